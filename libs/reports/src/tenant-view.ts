import { LedgerEntry, POLICY_STREAM } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { evolve, initialState, Obligation, obligations, type TenantState } from '@app/retention';

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
  const state = await tenantState(ledger, tenantId, asOf);
  return state === undefined ? [] : obligations(state);
}

/** The fold's state of a tenant (for reports that show holds); undefined when its stream is empty (then). */
export async function tenantState(
  ledger: LedgerStore,
  tenantId: string,
  asOf?: Date,
): Promise<TenantState | undefined> {
  const state = initialState(tenantId);
  const known = (e: LedgerEntry) => asOf === undefined || Date.parse(e.recordedAt) <= asOf.getTime();
  for await (const p of ledger.readStream(POLICY_STREAM)) if (known(p)) evolve(state, { ...p, tenantId });
  let any = false;
  for await (const e of ledger.readStream(tenantId)) {
    if (!known(e)) break;
    evolve(state, e);
    any = true;
  }
  return any ? state : undefined;
}

/** A tenant the ledger has never seen: `obligations` and `audit` refuse it rather than report nothing. */
export class UnknownTenantError extends Error {
  override readonly name = 'UnknownTenantError';
  constructor(readonly tenantId: string) {
    super(`the ledger has no entries for tenant ${tenantId}`);
  }
}

/** Throws `UnknownTenantError` unless the tenant's stream has an entry. */
export async function requireKnownTenant(ledger: LedgerStore, tenantId: string): Promise<void> {
  for await (const _entry of ledger.readStream(tenantId, 1)) return;
  throw new UnknownTenantError(tenantId);
}

const DAY_MS = 86_400_000;

/** Milliseconds left to the deadline (negative: overdue); undefined once nothing is owed any more. */
export function timeToDeadlineMs(o: Obligation, now: Date): number | undefined {
  if (o.status === 'confirmed' || o.status === 'cancelled' || o.status === 'resolved') return undefined;
  return Date.parse(o.deadline) - now.getTime();
}

/** Still owed and due to be done within `days` (default 7) of `now`, deadline not yet passed. */
export function isDueSoon(o: Obligation, now: Date, days = 7): boolean {
  const left = timeToDeadlineMs(o, now);
  return left !== undefined && left >= 0 && left <= days * DAY_MS;
}

/** Past its deadline without confirmation (and not cancelled or resolved by an operator): DESIGN.md's "overdue". */
export function isOverdue(o: Obligation, now: Date): boolean {
  return (
    o.status !== 'confirmed' &&
    o.status !== 'cancelled' &&
    o.status !== 'resolved' &&
    Date.parse(o.deadline) < now.getTime()
  );
}
