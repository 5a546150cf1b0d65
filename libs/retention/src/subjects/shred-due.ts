import { lastDeletionBefore, policyAt } from '../derive';
import { holdIntervals } from '../holds/hold-intervals';
import type { Obligation } from '../obligation';
import { obligations } from '../obligations';
import { addDuration } from '../policy/duration';
import type { TenantState } from '../state';
import { isOwed } from '../status/overdue';
import { coveringHoldIds, obligationsOfSubject } from './shred-refusal';

/** Which subjects the policy's own retention shreds now, and when the next one falls due. */
export interface ShredSchedule {
  /** The fold's names (pseudonyms) of the subjects to shred now. */
  due: string[];
  /** The earliest time (ms) a subject not due yet will be, if any: when to look again. */
  nextAt: number | undefined;
}

/** When an obligation became final: confirmed, cancelled or resolved. */
function settledAt(o: Obligation): number {
  const at = o.confirmedAt ?? o.cancelledAt ?? o.resolution?.at;
  return at === undefined ? NaN : Date.parse(at);
}

/**
 * `ledger.shredSubjectsAfter` (the policy in force now): a subject is shredded once it was
 * deleted (and not restored since), every obligation of it is final, no legal hold in force
 * covers it, and the last of its obligations settled (or, without any, its deletion took
 * effect) at least that long ago. Subjects shredded already are left alone.
 */
export function subjectsDueForShredding(state: TenantState, now: number): ShredSchedule {
  const after = policyAt(state, now).shredSubjectsAfter;
  const schedule: ShredSchedule = { due: [], nextAt: undefined };
  if (after === null) return schedule;
  const all = obligations(state);
  const holds = holdIntervals(state);
  for (const [name, subject] of state.subjects) {
    if (state.shreddedSubjects?.has(name)) continue;
    const deleted = lastDeletionBefore(subject, Infinity);
    if (deleted === undefined) continue;
    const own = obligationsOfSubject(state, all, name);
    if (own.some(isOwed) || coveringHoldIds(state, name, holds).length > 0) continue;
    const settled = own.reduce((max, o) => Math.max(max, settledAt(o)), deleted);
    if (Number.isNaN(settled)) continue;
    const dueAt = addDuration(settled, after);
    if (dueAt <= now) schedule.due.push(name);
    else schedule.nextAt = Math.min(schedule.nextAt ?? Infinity, dueAt);
  }
  return schedule;
}
