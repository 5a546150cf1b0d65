import type { ObligationStatus } from './obligation';

/**
 * Every obligation status, in lifecycle order: what the API's `?status=` accepts
 * and the metrics report (a zero for a status nobody is in, so series never vanish).
 */
export const OBLIGATION_STATUSES = [
  'scheduled',
  'held',
  'cancelled',
  'issued',
  'confirmed',
  'failed',
  'resolved',
] as const satisfies readonly ObligationStatus[];

// A status added to the type but not to the list fails to compile here.
const _everyStatusListed: Exclude<ObligationStatus, (typeof OBLIGATION_STATUSES)[number]> extends never
  ? true
  : never = true;

const KNOWN: ReadonlySet<string> = new Set(OBLIGATION_STATUSES);

/** True for a status the fold derives: for text read back from a store. */
export function isObligationStatus(text: string): text is ObligationStatus {
  return KNOWN.has(text);
}
