import { Duration } from 'luxon';
import { isStrictIsoDuration } from '@app/contracts/validation/iso-duration-shape';

/**
 * Milliseconds of an ISO-8601 duration such as `PT15M` or `P30D` (days of 24 h, months
 * of 30 days, years of 365 days: configuration durations are intervals, not calendar
 * arithmetic); undefined for anything that is not one.
 */
export function parseIsoDurationMs(raw: string): number | undefined {
  if (!isStrictIsoDuration(raw)) return undefined;
  const d = Duration.fromISO(raw);
  if (!d.isValid) return undefined;
  return d.toMillis();
}
