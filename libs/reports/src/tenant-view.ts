import { LedgerEntry, POLICY_STREAM } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { evolve, initialState, Obligation, obligations } from '@app/retention';

/**
 * A tenant's obligations straight from the ledger (its stream plus the policy stream),
 * with the same pure fold the projector runs, so the answer never depends on how far a
 * projector got. `asOf` ignores entries the ledger recorded after it: what was known then.
 */
export async function tenantObligations(
  ledger: LedgerStore,
  tenantId: string,
  asOf?: Date,
): Promise<Obligation[]> {
  const state = initialState(tenantId);
  const known = (e: LedgerEntry) => asOf === undefined || Date.parse(e.recordedAt) <= asOf.getTime();
  for await (const p of ledger.readStream(POLICY_STREAM)) if (known(p)) evolve(state, { ...p, tenantId });
  let any = false;
  for await (const e of ledger.readStream(tenantId)) {
    if (!known(e)) break;
    evolve(state, e);
    any = true;
  }
  if (!any) return [];
  return obligations(state);
}

/** Past its deadline without confirmation (and not cancelled): DESIGN.md's "overdue". */
export function isOverdue(o: Obligation, now: Date): boolean {
  return o.status !== 'confirmed' && o.status !== 'cancelled' && Date.parse(o.deadline) < now.getTime();
}
