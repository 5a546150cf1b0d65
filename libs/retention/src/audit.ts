import type { Obligation } from './obligation';

/**
 * How an obligation stands for the compliance report, as of a given instant:
 * - `met`: confirmed at or before its deadline;
 * - `breached`: confirmed after its deadline, or not confirmed and the deadline passed before `asOf`
 *   (for a held obligation: the deadline had already passed when the hold began);
 * - `held`: suspended by an unreleased legal hold, deadline not passed when it began;
 * - `cancelled`: the subscription was reactivated before anything was issued;
 * - `done-manually` / `waived`: closed by an operator (`obligations resolve`), with actor and reason;
 *   kept apart from `met`: the system never confirmed it;
 * - `pending`: otherwise (scheduled, issued or failed, deadline still ahead).
 * Deadlines are the current ones: an operator extension counts (the report shows the original beside it).
 */
export type AuditVerdict = 'met' | 'breached' | 'pending' | 'held' | 'cancelled' | 'done-manually' | 'waived';

export const AUDIT_VERDICTS: readonly AuditVerdict[] = [
  'met',
  'breached',
  'pending',
  'held',
  'cancelled',
  'done-manually',
  'waived',
];

export interface AuditView {
  readonly obligationId: string;
  readonly verdict: AuditVerdict;
  readonly triggeredAt: string;
  readonly dueAt: string;
  readonly deadline: string;
  /** First command's issue time. */
  readonly issuedAt?: string;
  readonly confirmedAt?: string;
  /** Milliseconds past the deadline: at confirmation, or at `asOf` when still unconfirmed. */
  readonly lateByMs?: number;
}

/**
 * Classifies an obligation for the audit report. Pure: `asOf` is passed in (the
 * report's "now" or its `--as-of`). For an as-of report, derive the obligations
 * from the ledger entries up to `asOf` first; this only compares times.
 */
export function auditView(obligation: Obligation, asOf: Date): AuditView {
  const deadline = Date.parse(obligation.deadline);
  const now = asOf.getTime();
  const base = {
    obligationId: obligation.obligationId,
    triggeredAt: obligation.triggeredAt,
    dueAt: obligation.dueAt,
    deadline: obligation.deadline,
    ...(obligation.commands?.length ? { issuedAt: obligation.commands[0].issuedAt } : {}),
    ...(obligation.confirmedAt ? { confirmedAt: obligation.confirmedAt } : {}),
  };
  if (obligation.status === 'cancelled') return { ...base, verdict: 'cancelled' };
  if (obligation.status === 'resolved' && obligation.resolution) {
    const at = Date.parse(obligation.resolution.at);
    return {
      ...base,
      verdict: obligation.resolution.status,
      ...(at > deadline ? { lateByMs: at - deadline } : {}),
    };
  }
  if (obligation.confirmedAt !== undefined) {
    const confirmed = Date.parse(obligation.confirmedAt);
    return confirmed <= deadline
      ? { ...base, verdict: 'met' }
      : { ...base, verdict: 'breached', lateByMs: confirmed - deadline };
  }
  if (obligation.status === 'held') {
    const since = obligation.heldSince === undefined ? -Infinity : Date.parse(obligation.heldSince);
    if (since > deadline) return { ...base, verdict: 'breached', lateByMs: Math.max(0, now - deadline) };
    return { ...base, verdict: 'held' };
  }
  if (now > deadline) return { ...base, verdict: 'breached', lateByMs: now - deadline };
  return { ...base, verdict: 'pending' };
}
