import { NewEntry, POLICY_STREAM } from '@app/contracts';
import { canonicalPolicyJson } from '@app/retention';
import { ZERO_DELAY_POLICY } from './zero-delay-policy';

export { ZERO_DELAY_POLICY };

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
