import { sha256Hex } from '../internal/sha256';
import { decidePolicyActivation, type ActivePolicyEntry } from './activation';
import { canonicalPolicyJson } from './canonical';
import { DEFAULT_POLICY, type Policy } from './policy';

const NOW = new Date('2026-03-01T00:00:00Z');
const hashOf = (policy: Policy) => sha256Hex(canonicalPolicyJson(policy));
const LOCKED: Policy = {
  ...DEFAULT_POLICY,
  version: 'locked-1',
  rules: { ...DEFAULT_POLICY.rules, 'audit-log': { ...DEFAULT_POLICY.rules['audit-log'], locked: true } },
};
const SHORTER: Policy = {
  ...LOCKED,
  version: 'shorter',
  rules: {
    ...LOCKED.rules,
    'audit-log': { ...LOCKED.rules['audit-log'], maxAge: { age: 'P90D', grace: 'P30D' } },
  },
};
/** The policy stream's last entry after activating `policy` at `position`. */
const active = (policy: Policy, streamPosition: number): ActivePolicyEntry => ({
  data: { contentHash: hashOf(policy), policy: JSON.parse(canonicalPolicyJson(policy)) as unknown },
  streamPosition,
});
const candidate = (policy: Policy) => ({ policy, contentHash: hashOf(policy), now: NOW });

describe('policy activation: given the policy stream, when a policy is loaded, then…', () => {
  it('an empty stream: the policy is activated as the stream’s first entry', () => {
    const decision = decidePolicyActivation(undefined, candidate(DEFAULT_POLICY));
    expect(decision).toEqual({
      kind: 'activate',
      entry: {
        eventId: `policy:${hashOf(DEFAULT_POLICY).slice(0, 16)}:1`,
        tenantId: '$policy',
        type: 'PolicyActivated',
        occurredAt: NOW.toISOString(),
        data: {
          version: DEFAULT_POLICY.version,
          contentHash: hashOf(DEFAULT_POLICY),
          policy: JSON.parse(canonicalPolicyJson(DEFAULT_POLICY)) as unknown,
        },
        subject: null,
        source: null,
      },
    });
  });

  it('the same content as the policy in force: nothing', () => {
    expect(decidePolicyActivation(active(LOCKED, 4), candidate(LOCKED))).toEqual({ kind: 'unchanged' });
  });

  it('changed content: activated, its eventId naming the next stream position', () => {
    const decision = decidePolicyActivation(active(DEFAULT_POLICY, 4), candidate(LOCKED));
    expect(decision.kind).toBe('activate');
    if (decision.kind === 'activate')
      expect(decision.entry.eventId).toBe(`policy:${hashOf(LOCKED).slice(0, 16)}:5`);
  });

  it('a locked category lengthened is fine, weakened is refused, naming the category', () => {
    const decision = decidePolicyActivation(active(LOCKED, 1), candidate(SHORTER));
    expect(decision).toEqual({
      kind: 'refused',
      issues: [
        {
          path: 'rules.audit-log',
          message:
            'category "audit-log" is locked: maxAge.age would shorten from P365D to P90D (it may be lengthened, never shortened)',
        },
      ],
    });
  });

  it('a stream entry without a readable policy does not lock anything', () => {
    const decision = decidePolicyActivation(
      { data: { contentHash: 'x' }, streamPosition: 1 },
      candidate(SHORTER),
    );
    expect(decision.kind).toBe('activate');
  });
});
