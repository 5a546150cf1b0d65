import { createHash } from 'node:crypto';
import { POLICY_STREAM, type EntryFacts, type LedgerEntry } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import {
  canonicalPolicyJson,
  checkPolicyChange,
  diffObligations,
  evolve,
  initialState,
  obligations,
  validatePolicy,
  type ObligationChange,
  type Policy,
  type PolicyIssue,
} from '@app/retention';

export interface PolicyDiff {
  candidate: { version: string; contentHash: string };
  /** The policy in force now (the last PolicyActivated), or null: the built-in default. */
  current: { version: string; contentHash: string } | null;
  /** Where the candidate was put in place of the policies in force: from this time on. */
  from: string;
  tenants: number;
  changes: ObligationChange[];
  counts: { added: number; removed: number; moved: number };
  /** Why activating the candidate would be refused (a locked category weakened); empty: it would be accepted. */
  refusals: PolicyIssue[];
}

/** The SHA-256 of a policy's canonical JSON: PolicyActivated's `contentHash`. */
export function contentHashOf(policy: Policy): string {
  return createHash('sha256').update(canonicalPolicyJson(policy)).digest('hex');
}

/**
 * What activating `candidate` would change, without activating it: every tenant's
 * stream is folded twice, once with the policies the ledger has, once with the
 * candidate in place of those in force from `from` on (default: the activation time of
 * the current policy, so every obligation derived under the current rules is compared),
 * and the obligations are compared. Obligations triggered before `from` keep the
 * version they were computed under in both folds.
 */
export async function policyDiff(
  ledger: LedgerStore,
  candidate: Policy,
  at?: { from?: Date },
): Promise<PolicyDiff> {
  const policies: LedgerEntry[] = [];
  for await (const p of ledger.readStream(POLICY_STREAM)) policies.push(p);
  const last = policies[policies.length - 1];
  const current = last ? validatePolicy((last.data as { policy: unknown }).policy) : null;
  const from = at?.from ?? (last ? new Date(Date.parse(last.occurredAt)) : new Date(0));
  const contentHash = contentHashOf(candidate);
  const candidateEntry: EntryFacts<'PolicyActivated'> = {
    eventId: `policy-diff:${contentHash.slice(0, 16)}`,
    tenantId: POLICY_STREAM,
    type: 'PolicyActivated',
    occurredAt: from.toISOString(),
    data: { version: candidate.version, contentHash, policy: JSON.parse(canonicalPolicyJson(candidate)) },
    subject: null,
  };
  const kept = policies.filter((p) => Date.parse(p.occurredAt) < from.getTime());
  const changes: ObligationChange[] = [];
  let tenants = 0;
  for (const head of await ledger.streamHeads()) {
    if (head.tenantId === POLICY_STREAM) continue;
    tenants++;
    const now = initialState(head.tenantId);
    const then = initialState(head.tenantId);
    for (const p of policies) evolve(now, { ...p, tenantId: head.tenantId });
    for (const p of kept) evolve(then, { ...p, tenantId: head.tenantId });
    evolve(then, { ...candidateEntry, tenantId: head.tenantId });
    for await (const e of ledger.readStream(head.tenantId)) {
      evolve(now, e);
      evolve(then, e);
    }
    changes.push(...diffObligations(obligations(now), obligations(then)));
  }
  const counts = { added: 0, removed: 0, moved: 0 };
  for (const c of changes) counts[c.change]++;
  return {
    candidate: { version: candidate.version, contentHash },
    current: last
      ? {
          version: (last.data as { version: string }).version,
          contentHash: (last.data as { contentHash: string }).contentHash,
        }
      : null,
    from: from.toISOString(),
    tenants,
    changes,
    counts,
    refusals: current ? checkPolicyChange(current, candidate) : [],
  };
}
