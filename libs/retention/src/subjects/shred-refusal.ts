import type { Obligation } from '../obligation';
import { holdIntervals, type HoldInterval } from '../holds/hold-intervals';
import { holdScopeCovers } from '../holds/holds-win';
import { obligations } from '../obligations';
import type { TenantState } from '../state';
import { isOwed } from '../status/overdue';

/**
 * Why a subject may not be shredded yet: its obligations still owed (a store may still need
 * the subject's id to purge) and the legal holds that cover it (a court may need its data
 * named). Both empty: nothing stands in the way. `subject` is the fold's name for it, its
 * pseudonym in a sealed ledger.
 */
export interface ShredBlockers {
  pendingObligationIds: string[];
  holdIds: string[];
}

/** The subject's obligations: those that purge the subject, or a data item that is the subject's. */
export function subjectObligations(state: TenantState, subject: string): Obligation[] {
  return obligationsOfSubject(state, obligations(state), subject);
}

/** `subjectObligations` out of a list already derived (asked for many subjects of one state). */
export function obligationsOfSubject(
  state: TenantState,
  all: readonly Obligation[],
  subject: string,
): Obligation[] {
  return all.filter((o) =>
    o.target.kind === 'subject'
      ? o.target.subjectId === subject
      : o.target.kind === 'data' && state.data.get(o.target.dataId)?.subjectId === subject,
  );
}

/** Legal holds in force that cover the subject: naming it, one of its data items, or the whole tenant. */
export function coveringHoldIds(
  state: TenantState,
  subject: string,
  intervals: readonly HoldInterval[] = holdIntervals(state),
): string[] {
  const items = state.subjects.get(subject)?.data ?? [];
  const holdIds = new Set<string>();
  for (const hold of intervals) {
    if (hold.to !== Infinity) continue;
    // A hold naming the subject, or the whole tenant, covers it even before any of its data is known.
    const tenantWide = hold.subjectId === null && hold.dataId === null && hold.category === null;
    if (hold.subjectId === subject || tenantWide || items.some((item) => holdScopeCovers(hold, item)))
      holdIds.add(hold.holdId);
  }
  return [...holdIds].sort();
}

export function shredBlockers(state: TenantState, subject: string): ShredBlockers {
  const pendingObligationIds = subjectObligations(state, subject)
    .filter(isOwed)
    .map((o) => o.obligationId);
  return { pendingObligationIds, holdIds: coveringHoldIds(state, subject) };
}

/** The refusal to print, or undefined when the subject may be shredded. Names ids, never the subject's id. */
export function shredRefusal(blockers: ShredBlockers): string | undefined {
  const parts: string[] = [];
  if (blockers.pendingObligationIds.length > 0)
    parts.push(`obligations still owed: ${blockers.pendingObligationIds.join(', ')}`);
  if (blockers.holdIds.length > 0) parts.push(`legal holds in force: ${blockers.holdIds.join(', ')}`);
  return parts.length === 0 ? undefined : parts.join('; ');
}
