import { DEFAULT_POLICY, type Policy } from '../policy/policy';
import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

/** A stricter policy: personal data purged within 7 days of deletion, audit logs after 90 days. */
const STRICT: Policy = {
  ...DEFAULT_POLICY,
  version: 'strict-1',
  rules: {
    ...DEFAULT_POLICY.rules,
    personal: {
      ...DEFAULT_POLICY.rules.personal,
      onDataDeletion: { action: 'purge', after: 'PT0S', deadline: 'P7D' },
      onSubjectDeletion: { action: 'purge', after: 'PT1H', deadline: 'P7D' },
    },
    'audit-log': { ...DEFAULT_POLICY.rules['audit-log'], maxAge: { age: 'P90D', grace: 'P1D' } },
  },
};

describe('rule: each obligation records the policy version in force at its trigger (PolicyActivated)', () => {
  it('without any PolicyActivated, the built-in default applies', () => {
    given([e.dataCreated({ dataId: 'd1', at: 0 })])
      .when(e.dataDeleted({ dataId: 'd1', at: 1 }))
      .thenContains({ policyVersion: 'default-2025-01', deadline: e.day(31) });
  });

  it('a policy activated before the trigger applies, with its durations', () => {
    given([
      e.policyActivated({ policy: STRICT, at: 0 }),
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 1 }),
    ])
      .when(e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 2 }))
      .thenContains({
        obligationId: ids.userDeleted('ud-1'),
        policyVersion: 'strict-1',
        dueAt: new Date(Date.parse(e.day(2)) + 3_600_000).toISOString(),
        deadline: e.day(9),
      });
  });

  it('a policy activated after the trigger does not change it (event time, not arrival time)', () => {
    given([e.dataCreated({ dataId: 'd1', at: 0 }), e.dataDeleted({ dataId: 'd1', at: 1 })])
      .when(e.policyActivated({ policy: STRICT, at: 5 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        policyVersion: 'default-2025-01',
        deadline: e.day(31),
      });
  });

  it('a policy activated earlier, arriving later, re-derives the obligations it governs', () => {
    given([e.dataCreated({ dataId: 'd1', at: 2 }), e.dataDeleted({ dataId: 'd1', at: 3 })])
      .when(e.policyActivated({ policy: STRICT, at: 1 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), policyVersion: 'strict-1', deadline: e.day(10) });
  });

  it('max age follows the policy at creation', () => {
    given([e.policyActivated({ policy: STRICT, at: 0 })])
      .when(e.dataCreated({ dataId: 'a1', category: 'audit-log', at: 1 }))
      .thenContains({
        obligationId: ids.maxAge('a1'),
        policyVersion: 'strict-1',
        dueAt: e.day(91),
        deadline: e.day(92),
      });
  });

  it('of two policies activated at the same instant, the greater version applies (a deterministic tie-break)', () => {
    given([
      e.policyActivated({ policy: { ...STRICT, version: 'b-policy' }, at: 0 }),
      e.policyActivated({ policy: DEFAULT_POLICY, version: 'a-policy', at: 0 }),
      e.dataCreated({ dataId: 'd1', at: 1 }),
    ])
      .when(e.dataDeleted({ dataId: 'd1', at: 1 }))
      .thenContains({ policyVersion: 'b-policy', deadline: e.day(8) });
  });

  it('PolicyActivated from the policy stream (another tenantId) applies to the tenant', () => {
    const fromPolicyStream = { ...e.policyActivated({ policy: STRICT, at: 0 }), tenantId: '$policy' };
    given([e.dataCreated({ dataId: 'd1', at: 1 }), e.dataDeleted({ dataId: 'd1', at: 2 })], 't1')
      .when(fromPolicyStream)
      .thenContains({ policyVersion: 'strict-1' });
  });

  it('a PolicyActivated whose policy is invalid is ignored (and reported in the state)', () => {
    const bad = e.policyActivated({ policy: STRICT, at: 0 });
    const invalid = { ...bad, data: { ...bad.data, policy: { version: 'broken' } } };
    const spec = given([e.dataCreated({ dataId: 'd1', at: 1 }), e.dataDeleted({ dataId: 'd1', at: 2 })]).when(
      invalid,
    );
    spec.thenContains({ policyVersion: 'default-2025-01' });
    expect(spec.state().invalidPolicies).toEqual([{ eventId: invalid.eventId, issues: expect.any(Array) }]);
  });
});
