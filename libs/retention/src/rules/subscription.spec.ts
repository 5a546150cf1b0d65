import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

const tenantData = [
  e.dataCreated({ dataId: 'd1', subjectId: 'u1', region: 'eu', store: 'main', at: 0 }),
  e.dataCreated({ dataId: 'd2', region: 'us', store: 'files', at: 1 }),
  e.dataCreated({ dataId: 'a1', category: 'audit-log', region: 'eu', store: 'audit', at: 1 }),
];

describe('rule: subscription end (passive deletion)', () => {
  it('yields one obligation per region and store of the tenant, due after 30 + 90 days, deadline 180 days', () => {
    const result = given(tenantData)
      .when(e.subscriptionEnded({ eventId: 'end-1', at: 10 }))
      .obligations();
    const passive = result.filter((o) => o.reason === 'subscription-ended');
    expect(passive).toHaveLength(2);
    expect(passive).toEqual(
      expect.arrayContaining([
        {
          obligationId: ids.subscriptionEnded('end-1', 'eu', 'main'),
          tenantId: 't1',
          region: 'eu',
          store: 'main',
          target: { kind: 'tenant', categories: ['personal'] },
          reason: 'subscription-ended',
          triggeredAt: e.day(10),
          dueAt: e.day(130),
          deadline: e.day(190),
          status: 'scheduled',
          policyVersion: 'default-2025-01',
          flags: [],
        },
        expect.objectContaining({
          obligationId: ids.subscriptionEnded('end-1', 'us', 'files'),
          region: 'us',
          store: 'files',
          dueAt: e.day(130),
          deadline: e.day(190),
        }),
      ]),
    );
  });

  it('keeps the audit log (a store holding only kept categories gets no command)', () => {
    given(tenantData)
      .when(e.subscriptionEnded({ eventId: 'end-1', at: 10 }))
      .obligations()
      .filter((o) => o.store === 'audit')
      .forEach((o) => expect(o.reason).toBe('max-age'));
  });

  it('reactivation cancels pending passive obligations', () => {
    given([...tenantData, e.subscriptionEnded({ eventId: 'end-1', at: 10 })])
      .when(e.subscriptionReactivated({ at: 50 }))
      .thenContains(
        {
          obligationId: ids.subscriptionEnded('end-1', 'eu', 'main'),
          status: 'cancelled',
          cancelledAt: e.day(50),
          flags: [],
        },
        { obligationId: ids.subscriptionEnded('end-1', 'us', 'files'), status: 'cancelled' },
      );
  });

  it('reactivation cancels also when it arrives before the end it follows in event time', () => {
    given([...tenantData, e.subscriptionReactivated({ at: 50 })])
      .when(e.subscriptionEnded({ eventId: 'end-1', at: 10 }))
      .thenContains({ obligationId: ids.subscriptionEnded('end-1'), status: 'cancelled' });
  });

  it('reactivation is flagged as too late once a command was issued', () => {
    given([
      ...tenantData,
      e.subscriptionEnded({ eventId: 'end-1', at: 10 }),
      e.commandIssued({ obligationId: ids.subscriptionEnded('end-1'), commandId: 'c1', at: 130 }),
    ])
      .when(e.subscriptionReactivated({ at: 131 }))
      .thenContains(
        { obligationId: ids.subscriptionEnded('end-1'), status: 'issued', flags: ['reactivation-too-late'] },
        // Nothing was issued for the other store yet: cancelled.
        { obligationId: ids.subscriptionEnded('end-1', 'us', 'files'), status: 'cancelled' },
      );
  });

  it('a command issued after the reactivation occurred (it arrived late) is flagged, not cancelled', () => {
    given([
      ...tenantData,
      e.subscriptionEnded({ eventId: 'end-1', at: 10 }),
      e.commandIssued({ obligationId: ids.subscriptionEnded('end-1'), commandId: 'c1', at: 130 }),
    ])
      .when(e.subscriptionReactivated({ at: 120 }))
      .thenContains({
        obligationId: ids.subscriptionEnded('end-1'),
        status: 'issued',
        flags: ['issued-after-reactivation'],
      });
  });

  it('an end after a reactivation starts a new passive deletion', () => {
    given([
      ...tenantData,
      e.subscriptionEnded({ eventId: 'end-1', at: 10 }),
      e.subscriptionReactivated({ at: 20 }),
    ])
      .when(e.subscriptionEnded({ eventId: 'end-2', at: 30 }))
      .thenContains(
        { obligationId: ids.subscriptionEnded('end-1'), status: 'cancelled' },
        {
          obligationId: ids.subscriptionEnded('end-2'),
          status: 'scheduled',
          dueAt: e.day(150),
          deadline: e.day(210),
        },
      );
  });

  it('a second end without reactivation in between is a duplicate: the first end rules', () => {
    const first = given([...tenantData, e.subscriptionEnded({ eventId: 'end-1', at: 10 })]).obligations();
    given([...tenantData, e.subscriptionEnded({ eventId: 'end-1', at: 10 })])
      .when(e.subscriptionEnded({ eventId: 'end-2', at: 15 }))
      .then(first);
  });

  it('duplicates change nothing: the same SubscriptionEnded twice', () => {
    const end = e.subscriptionEnded({ eventId: 'end-1', at: 10 });
    const once = given([...tenantData, end]).obligations();
    given([...tenantData, end])
      .when(end)
      .then(once);
  });

  it('a store whose data arrives late joins the passive deletion', () => {
    given([...tenantData, e.subscriptionEnded({ eventId: 'end-1', at: 10 })])
      .when(e.dataCreated({ dataId: 'd7', region: 'us', store: 'late', at: 5 }))
      .thenContains({ obligationId: ids.subscriptionEnded('end-1', 'us', 'late'), dueAt: e.day(130) });
  });
});
