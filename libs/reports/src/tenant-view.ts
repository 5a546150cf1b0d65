import { EntryFacts, POLICY_STREAM } from '@app/contracts';
import { UnknownTenantError, type LedgerStore } from '@app/ledger';
import { evolve, initialState, Obligation, obligations, type TenantState } from '@app/retention';

const GENESIS = '0'.repeat(64);

/** What a report was built from: the last entry of the tenant's stream and of the policy stream it read. */
export interface LedgerBasis {
  position: number;
  headHash: string;
  policyPosition: number;
  policyHeadHash: string;
}

/** What the fold reads of a stored entry, plus where it stands in its stream. */
export type FoldEntry = EntryFacts & { recordedAt: string; streamPosition: number; hash: string };

/**
 * One tenant's fold: the policy stream, then the tenant's stream, each entry recorded
 * after `asOf` ignored (what was known then). Fed entry by entry, so the ledger's readers
 * and an evidence bundle's verifier fold the same way and name the same basis.
 */
export class TenantFold {
  private readonly state: TenantState;
  private readonly basis: LedgerBasis = {
    position: 0,
    headHash: GENESIS,
    policyPosition: 0,
    policyHeadHash: GENESIS,
  };
  private done = false;

  constructor(
    readonly tenantId: string,
    private readonly asOf?: Date,
  ) {
    this.state = initialState(tenantId);
  }

  private known(e: FoldEntry): boolean {
    return this.asOf === undefined || Date.parse(e.recordedAt) <= this.asOf.getTime();
  }

  policy(e: FoldEntry): void {
    if (!this.known(e)) return;
    evolve(this.state, { ...e, tenantId: this.tenantId });
    this.basis.policyPosition = e.streamPosition;
    this.basis.policyHeadHash = e.hash;
  }

  /** False once an entry is past `asOf`: the rest of the stream is too. */
  entry(e: FoldEntry): boolean {
    if (this.done || !this.known(e)) return !(this.done = true);
    evolve(this.state, e);
    this.basis.position = e.streamPosition;
    this.basis.headHash = e.hash;
    return true;
  }

  /** The fold's state (undefined when the tenant's stream was empty then) and the basis it was built from. */
  result(): { state: TenantState | undefined; basis: LedgerBasis } {
    return { state: this.basis.position === 0 ? undefined : this.state, basis: { ...this.basis } };
  }
}

/**
 * A tenant's fold straight from the ledger (its stream plus the policy stream), with the
 * same pure fold the projector runs, so the answer never depends on how far a projector
 * got. `asOf` ignores entries the ledger recorded after it: what was known then.
 */
export async function tenantFold(ledger: LedgerStore, tenantId: string, asOf?: Date): Promise<TenantFold> {
  const fold = new TenantFold(tenantId, asOf);
  for await (const p of ledger.readStream(POLICY_STREAM)) fold.policy(p);
  for await (const e of ledger.readStream(tenantId)) if (!fold.entry(e)) break;
  return fold;
}

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
  return (await tenantFold(ledger, tenantId, asOf)).result().state;
}

// A tenant the ledger has never seen: `obligations` and `audit` refuse it rather than report nothing.
export { UnknownTenantError };

/** Throws `UnknownTenantError` unless the tenant's stream has an entry. */
export async function requireKnownTenant(ledger: LedgerStore, tenantId: string): Promise<void> {
  for await (const _entry of ledger.readStream(tenantId, 1)) return;
  throw new UnknownTenantError(tenantId);
}

// One definition of "overdue" and "still owed", in the domain; re-exported for the reports' callers.
export { isDueSoon, isOverdue, timeToDeadlineMs } from '@app/retention';
