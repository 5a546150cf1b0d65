import { EntryFacts, POLICY_STREAM } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { evolve, initialState, Obligation, obligations, TenantState } from '@app/retention';

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

  result(): { obligations: Obligation[]; basis: LedgerBasis } {
    return {
      obligations: this.basis.position === 0 ? [] : obligations(this.state),
      basis: { ...this.basis },
    };
  }
}

/**
 * A tenant's obligations straight from the ledger (its stream plus the policy stream),
 * with the same pure fold the projector runs, so the answer never depends on how far a
 * projector got. `asOf` ignores entries the ledger recorded after it: what was known then.
 */
export async function tenantFold(
  ledger: LedgerStore,
  tenantId: string,
  asOf?: Date,
): Promise<{ obligations: Obligation[]; basis: LedgerBasis }> {
  const fold = new TenantFold(tenantId, asOf);
  for await (const p of ledger.readStream(POLICY_STREAM)) fold.policy(p);
  for await (const e of ledger.readStream(tenantId)) if (!fold.entry(e)) break;
  return fold.result();
}

export async function tenantObligations(
  ledger: LedgerStore,
  tenantId: string,
  asOf?: Date,
): Promise<Obligation[]> {
  return (await tenantFold(ledger, tenantId, asOf)).obligations;
}

/** Past its deadline without confirmation (and not cancelled): DESIGN.md's "overdue". */
export function isOverdue(o: Obligation, now: Date): boolean {
  return o.status !== 'confirmed' && o.status !== 'cancelled' && Date.parse(o.deadline) < now.getTime();
}
