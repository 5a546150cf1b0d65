import { Duration } from 'luxon';

// Strict on purpose: luxon accepts "PT" (an empty duration) as valid, which turned
// DISPATCH_INTERVAL=PT into a 0 ms busy loop. A duration must name at least one figure.
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/**
 * Milliseconds of an ISO-8601 duration such as `PT15M` or `P30D` (days of 24 h, months
 * of 30 days, years of 365 days: configuration durations are intervals, not calendar
 * arithmetic); undefined for anything that is not one.
 */
export function parseIsoDurationMs(raw: string): number | undefined {
  if (!ISO_DURATION.test(raw)) return undefined;
  const d = Duration.fromISO(raw);
  if (!d.isValid) return undefined;
  return d.toMillis();
}
