/**
 * kafkajs 2.2.4 arms its request-queue timer with a negative delay whenever no throttle is
 * in force (tulios/kafkajs#1751, unfixed upstream). Node before 24 silently used 1 ms;
 * Node 24 does the same but also prints a TimeoutNegativeWarning on stderr — a line
 * that is not JSON in the middle of the services' JSON logs. The delay Node then uses is
 * exactly what kafkajs got before, so the warning says nothing an operator can act on:
 * it is dropped, and every other warning is passed on unchanged.
 */
const QUIETED = Symbol.for('retention-ledger.quietNegativeTimeoutWarnings');

type Target = { emitWarning: typeof process.emitWarning; [QUIETED]?: true };

export function quietNegativeTimeoutWarnings(target: Target = process as Target): void {
  if (target[QUIETED]) return;
  target[QUIETED] = true;
  const emit = target.emitWarning.bind(target) as (...args: unknown[]) => void;
  target.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const first = rest[0];
    const type =
      warning instanceof Error
        ? warning.name
        : typeof first === 'string'
          ? first
          : (first as { type?: string } | undefined)?.type;
    if (type === 'TimeoutNegativeWarning') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
