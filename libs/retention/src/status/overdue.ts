import type { Obligation, ObligationStatus } from '../obligation';

/**
 * Statuses in which nothing is owed any more: the store confirmed the purge, a
 * reactivation or restore cancelled it, or an operator resolved it. The read models'
 * SQL builds its status filter from this list (see `SETTLED_STATUSES_SQL` there).
 */
export const SETTLED_STATUSES: readonly ObligationStatus[] = ['confirmed', 'cancelled', 'resolved'];

const DAY_MS = 86_400_000;

/** Still owed: neither confirmed, cancelled nor resolved. */
export function isOwed(o: Pick<Obligation, 'status'>): boolean {
  return !SETTLED_STATUSES.includes(o.status);
}

/**
 * DESIGN.md's "overdue": past its deadline and still owed (not confirmed, cancelled or
 * resolved). The one definition; `ReadModel.overdueCount` mirrors it in SQL.
 */
export function isOverdue(o: Pick<Obligation, 'status' | 'deadline'>, now: Date): boolean {
  return isOwed(o) && Date.parse(o.deadline) < now.getTime();
}

/** Milliseconds left to the deadline (negative: overdue); undefined once nothing is owed any more. */
export function timeToDeadlineMs(o: Pick<Obligation, 'status' | 'deadline'>, now: Date): number | undefined {
  if (!isOwed(o)) return undefined;
  return Date.parse(o.deadline) - now.getTime();
}

/** Still owed and due to be done within `days` (default 7) of `now`, deadline not yet passed. */
export function isDueSoon(o: Pick<Obligation, 'status' | 'deadline'>, now: Date, days = 7): boolean {
  const left = timeToDeadlineMs(o, now);
  return left !== undefined && left >= 0 && left <= days * DAY_MS;
}
