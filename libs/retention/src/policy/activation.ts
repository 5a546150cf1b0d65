import type { NewEntry } from '@app/contracts/entry-types';
import { POLICY_STREAM } from '@app/contracts/ledger-ids';
import { canonicalPolicyJson } from './canonical';
import { checkPolicy, type PolicyIssue } from './parse-policy';
import type { Policy } from './policy';
import { checkPolicyChange } from './policy-change';

/** The last PolicyActivated entry of the policy stream, as the ledger holds it. */
export interface ActivePolicyEntry {
  readonly data: { readonly contentHash?: string; readonly policy?: unknown };
  readonly streamPosition: number;
}

/** The policy to activate, with the SHA-256 of its canonical JSON (the caller hashes; the domain does no crypto). */
export interface PolicyCandidate {
  readonly policy: Policy;
  readonly contentHash: string;
  readonly now: Date;
}

export type PolicyActivationDecision =
  /** The policy in force has the same content: nothing to append. */
  | { readonly kind: 'unchanged' }
  /** The preservation lock forbids it (see `checkPolicyChange`). */
  | { readonly kind: 'refused'; readonly issues: PolicyIssue[] }
  | { readonly kind: 'activate'; readonly entry: NewEntry<'PolicyActivated'> };

/**
 * Whether loading `candidate` appends a PolicyActivated (DESIGN.md semantics 9): only
 * when its content differs from the last one activated, and only if no locked category
 * of the policy in force would be weakened. `last`: the policy stream's last entry
 * (undefined: none yet, so the candidate is activated).
 */
export function decidePolicyActivation(
  last: ActivePolicyEntry | undefined,
  candidate: PolicyCandidate,
): PolicyActivationDecision {
  const { policy, contentHash, now } = candidate;
  if (last?.data.contentHash === contentHash) return { kind: 'unchanged' };
  // The preservation lock: a locked category of the policy in force may not be weakened.
  const current = last?.data.policy === undefined ? undefined : checkPolicy(last.data.policy).policy;
  const issues = current ? checkPolicyChange(current, policy) : [];
  if (issues.length > 0) return { kind: 'refused', issues };
  const position = last?.streamPosition ?? 0;
  return {
    kind: 'activate',
    entry: {
      // Deterministic for the ledger's state: two processes starting together append it once.
      eventId: `policy:${contentHash.slice(0, 16)}:${position + 1}`,
      tenantId: POLICY_STREAM,
      type: 'PolicyActivated',
      occurredAt: now.toISOString(),
      data: {
        version: policy.version,
        contentHash,
        policy: JSON.parse(canonicalPolicyJson(policy)) as unknown,
      },
      subject: null,
      source: null,
    },
  };
}
