import { DateTime, Duration } from 'luxon';
import { isStrictIsoDuration } from '@app/contracts/validation/iso-duration-shape';

/**
 * ISO-8601 durations (`P30D`, `PT12H`, `P1Y`), parsed with luxon and added to
 * instants in UTC, so there is no daylight-saving ambiguity: a day is 24 hours.
 *
 * Luxon alone is lenient (it accepts `P`, `PT`, `P30DT` and negative components),
 * so a duration must also have the strict shape the configuration's durations have
 * (`isStrictIsoDuration`, libs/contracts) and no negative part.
 */

/** The longest duration a policy may use; beyond it dates leave the range JavaScript can print. */
const MAX_YEARS = 1000;

/** A validated duration, ready for arithmetic. */
export interface CompiledDuration {
  readonly iso: string;
  /** Milliseconds when the duration has no calendar part (years, months): then adding is plain arithmetic in UTC. */
  readonly fixedMillis: number | null;
  readonly luxon: Duration;
  /** Approximate length (months as 30 days) for comparisons in validation only. */
  readonly approxMillis: number;
}

/** Why `text` is not an acceptable policy duration, or a compiled duration. */
export function parseDuration(text: unknown): CompiledDuration | string {
  if (typeof text !== 'string')
    return `must be an ISO-8601 duration string such as "P30D", got ${describe(text)}`;
  const parsed = Duration.fromISO(text);
  const negative =
    parsed.isValid && Object.values(parsed.toObject()).some((v) => typeof v === 'number' && v < 0);
  if (negative || /^-|[PTYMWDHS]-/.test(text))
    return `"${text}" is negative; durations must be zero or positive`;
  if (!parsed.isValid || !isStrictIsoDuration(text)) {
    return `"${text}" is not a valid ISO-8601 duration (expected e.g. "P30D", "PT12H", "P1Y")`;
  }
  if (parsed.as('years') > MAX_YEARS) return `"${text}" is longer than ${MAX_YEARS} years`;
  const calendar = (parsed.years ?? 0) !== 0 || (parsed.months ?? 0) !== 0 || (parsed.quarters ?? 0) !== 0;
  return {
    iso: text,
    fixedMillis: calendar ? null : parsed.toMillis(),
    luxon: parsed,
    approxMillis: parsed.toMillis(),
  };
}

/** `instant + duration`, in epoch milliseconds, computed in UTC. Never reads the clock. */
export function addDuration(instantMillis: number, duration: CompiledDuration): number {
  if (duration.fixedMillis !== null) return instantMillis + duration.fixedMillis;
  return DateTime.fromMillis(instantMillis, { zone: 'utc' }).plus(duration.luxon).toMillis();
}

/** A zero-length duration. */
export const ZERO_DURATION: CompiledDuration = parseDuration('PT0S') as CompiledDuration;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
