import { NewEntry, POLICY_STREAM } from '@app/contracts';
import { canonicalPolicyJson, parsePolicy } from '@app/retention';

/** A policy under which every deletion of personal data is due at once. */
export const ZERO_DELAY_POLICY = parsePolicy(
  `
version: zero-delay
categories: [personal]
rules:
  personal:
    onDataDeletion:    { action: purge, after: PT0S, deadline: P30D }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubscriptionEnd: { action: keep }
`,
  'yaml',
);

/** Ledger facts of tenant `acme` at `t0 + ms`, for dispatcher tests on an injected clock. */
export function factsAt(t0: number) {
  const at = (ms: number) => new Date(t0 + ms);
  const fact = <T extends NewEntry['type']>(
    eventId: string,
    type: T,
    ms: number,
    data: NewEntry<T>['data'],
  ): NewEntry =>
    ({
      eventId,
      tenantId: 'acme',
      type,
      occurredAt: at(ms).toISOString(),
      data,
      subject: null,
      source: null,
    }) as NewEntry;
  const policyActivated = (): NewEntry => ({
    eventId: 'policy',
    tenantId: POLICY_STREAM,
    type: 'PolicyActivated',
    occurredAt: at(-1000).toISOString(),
    data: {
      version: ZERO_DELAY_POLICY.version,
      contentHash: 'h',
      policy: JSON.parse(canonicalPolicyJson(ZERO_DELAY_POLICY)),
    },
    subject: null,
    source: null,
  });
  return { at, fact, policyActivated };
}
