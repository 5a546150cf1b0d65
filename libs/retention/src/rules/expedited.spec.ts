import { DEFAULT_POLICY, type Policy } from '../policy/policy';
import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();
const HOUR = 3_600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('rule: an expedited tenant deletion purges after a short delay and overrides holds', () => {
  const data = [
    e.dataCreated({ dataId: 'd1', at: 0 }),
    e.dataCreated({ dataId: 'a1', category: 'audit-log', at: 0 }),
  ];

  it('due one hour after the end, deadline three days (the default `expedited` rule)', () => {
    given(data)
      .when(e.subscriptionEnded({ eventId: 'end-1', at: 10, expedite: true }))
      .thenContains({
        obligationId: ids.subscriptionEnded('end-1'),
        status: 'scheduled',
        dueAt: plus(e.day(10), HOUR),
        deadline: e.day(13),
        flags: ['expedited'],
        // Only what the policy purges at a subscription end: the audit log is kept.
        target: { kind: 'tenant', categories: ['personal'] },
      });
  });

  it('a legal hold does not suspend it; the override is flagged', () => {
    given([...data, e.holdPlaced({ holdId: 'h1', at: 5 })])
      .when(e.subscriptionEnded({ eventId: 'end-1', at: 10, expedite: true }))
      .thenContains({
        obligationId: ids.subscriptionEnded('end-1'),
        status: 'scheduled',
        flags: ['expedited', 'hold-overridden'],
        dueAt: plus(e.day(10), HOUR),
      });
  });

  it('the policy may set its own delay', () => {
    const fast: Policy = {
      ...DEFAULT_POLICY,
      version: 'fast-1',
      expedited: { after: 'PT5M', deadline: 'P1D' },
    };
    given([e.policyActivated({ policy: fast, at: 0 }), ...data])
      .when(e.subscriptionEnded({ eventId: 'end-1', at: 10, expedite: true }))
      .thenContains({ dueAt: plus(e.day(10), 5 * 60_000), deadline: e.day(11), policyVersion: 'fast-1' });
  });

  it('a reactivation before any command still cancels it', () => {
    given([...data, e.subscriptionEnded({ eventId: 'end-1', at: 10, expedite: true })])
      .when(e.subscriptionReactivated({ at: 10.01 }))
      .thenContains({ obligationId: ids.subscriptionEnded('end-1'), status: 'cancelled' });
  });
});
