import { holdIntervals, unmatchedReleases } from '../derive';
import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

const deletedData = [
  e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
  e.dataDeleted({ dataId: 'd1', at: 10 }),
];

describe('rule: each placement of a hold after a release opens a new hold interval', () => {
  it('place, release, place again → held again (a new matter reusing a case number)', () => {
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 5 }), e.holdReleased({ holdId: 'h1', at: 12 })])
      .when(e.holdPlaced({ holdId: 'h1', at: 20 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'held',
        holdIds: ['h1'],
        heldSince: e.day(20),
        // The first interval [10, 12) already moved the clock by two days.
        dueAt: e.day(12),
        deadline: e.day(42),
      });
  });

  it('released again after the second placement: both intervals stop the clock', () => {
    given([
      ...deletedData,
      e.holdPlaced({ holdId: 'h1', at: 5 }),
      e.holdReleased({ holdId: 'h1', at: 12 }),
      e.holdPlaced({ holdId: 'h1', at: 20 }),
    ])
      .when(e.holdReleased({ holdId: 'h1', at: 25 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'scheduled',
        dueAt: e.day(12),
        deadline: e.day(47),
      });
  });

  it('overlapping placements of one id: one release ends both, the time counts once', () => {
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 12 }), e.holdPlaced({ holdId: 'h1', at: 14 })])
      .when(e.holdReleased({ holdId: 'h1', at: 16 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'scheduled',
        holdIds: ['h1'],
        deadline: e.day(44),
      });
  });

  it('overlapping placements of one id with different scopes: each keeps its own scope until the release', () => {
    given([
      ...deletedData,
      e.dataCreated({ dataId: 'd2', subjectId: 'u2', at: 0 }),
      e.dataDeleted({ dataId: 'd2', at: 10 }),
      e.holdPlaced({ holdId: 'h1', subjectId: 'u1', at: 5 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', subjectId: 'u2', at: 6 }))
      .thenContains(
        { obligationId: ids.dataDeleted('d1'), status: 'held' },
        { obligationId: ids.dataDeleted('d2'), status: 'held' },
      );
  });

  it('a release without a placement has no effect and is reported as unmatched', () => {
    const then = given(deletedData).when(e.holdReleased({ eventId: 'rel-1', holdId: 'h9', at: 11 }));
    then.thenContains({ obligationId: ids.dataDeleted('d1'), status: 'scheduled', deadline: e.day(40) });
    expect(unmatchedReleases(then.state()).map((u) => [u.holdId, u.release.eventId])).toEqual([
      ['h9', 'rel-1'],
    ]);
  });

  it('a second release of an already released hold is unmatched', () => {
    const then = given([
      ...deletedData,
      e.holdPlaced({ holdId: 'h1', at: 5 }),
      e.holdReleased({ eventId: 'rel-1', holdId: 'h1', at: 12 }),
    ]).when(e.holdReleased({ eventId: 'rel-2', holdId: 'h1', at: 13 }));
    then.thenContains({ obligationId: ids.dataDeleted('d1'), deadline: e.day(42) });
    expect(unmatchedReleases(then.state()).map((u) => u.release.eventId)).toEqual(['rel-2']);
  });
});

describe('rule: a hold may carry a reason, a case reference and who placed it', () => {
  it('the context of the placement and of the release stays on the interval', () => {
    const state = given([
      e.holdPlaced({ holdId: 'h1', at: 5, reason: 'litigation', caseRef: 'CASE-42', placedBy: 'legal@acme' }),
    ])
      .when(e.holdReleased({ holdId: 'h1', at: 9, reason: 'settled', placedBy: 'legal@acme' }))
      .state();
    const [interval] = holdIntervals(state);
    expect(interval.placedBy.context).toEqual({
      reason: 'litigation',
      caseRef: 'CASE-42',
      placedBy: 'legal@acme',
    });
    expect(interval.releasedBy?.context).toEqual({ reason: 'settled', placedBy: 'legal@acme' });
  });
});

describe('rule: a hold may be scoped to one data item or one category', () => {
  const twoItems = [
    e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
    e.dataCreated({ dataId: 'd2', subjectId: 'u1', category: 'audit-log', store: 'logs', at: 0 }),
    e.dataDeleted({ dataId: 'd1', at: 10 }),
  ];

  it('a data-item hold suspends that item only', () => {
    given([...twoItems, e.dataCreated({ dataId: 'd3', at: 0 }), e.dataDeleted({ dataId: 'd3', at: 10 })])
      .when(e.holdPlaced({ holdId: 'h1', dataId: 'd1', at: 5 }))
      .thenContains(
        { obligationId: ids.dataDeleted('d1'), status: 'held' },
        { obligationId: ids.dataDeleted('d3'), status: 'scheduled' },
      );
  });

  it("a data-item hold suspends its subject's purge of the store holding it, not of other stores", () => {
    given([
      ...twoItems,
      e.dataCreated({ dataId: 'd4', subjectId: 'u1', store: 'files', at: 0 }),
      e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 11 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', dataId: 'd1', at: 5 }))
      .thenContains(
        { obligationId: ids.userDeleted('ud-1', 'eu', 'main'), status: 'held' },
        { obligationId: ids.userDeleted('ud-1', 'eu', 'files'), status: 'scheduled' },
      );
  });

  it('a category hold suspends the purges of data in that category only', () => {
    given([
      e.dataCreated({ dataId: 'd1', at: 0 }),
      e.dataDeleted({ dataId: 'd1', at: 310 }),
      e.dataCreated({ dataId: 'd2', category: 'audit-log', store: 'logs', at: 0 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', category: 'audit-log', at: 300 }))
      .thenContains(
        { obligationId: ids.maxAge('d2'), status: 'held', holdIds: ['h1'] },
        { obligationId: ids.dataDeleted('d1'), status: 'scheduled' },
      );
  });

  it('a category hold suspends the tenant-wide purge of the stores holding that category', () => {
    given([
      e.dataCreated({ dataId: 'd1', store: 'main', at: 0 }),
      e.dataCreated({ dataId: 'd2', category: 'audit-log', store: 'logs', at: 0 }),
      e.dataCreated({ dataId: 'd3', store: 'logs', at: 0 }),
      e.subscriptionEnded({ eventId: 'end-1', at: 10 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', category: 'audit-log', at: 11 }))
      .thenContains(
        { obligationId: ids.subscriptionEnded('end-1', 'eu', 'logs'), status: 'held' },
        { obligationId: ids.subscriptionEnded('end-1', 'eu', 'main'), status: 'scheduled' },
      );
  });
});
