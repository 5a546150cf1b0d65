import { EntryBuilder, given, obligationIds } from '../testing';
import { shredBlockers, shredRefusal } from './shred-refusal';

const e = new EntryBuilder();
const ids = obligationIds();

/** The subject's data in two stores, then the subject deleted: two purges owed. */
const deleted = [
  e.dataCreated({ dataId: 'd1', subjectId: 'u1', region: 'eu', store: 'main', at: 0 }),
  e.dataCreated({ dataId: 'd2', subjectId: 'u1', region: 'us', store: 'files', at: 1 }),
  e.dataCreated({ dataId: 'd3', subjectId: 'u2', region: 'eu', store: 'main', at: 1 }),
  e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
];
const eu = ids.userDeleted('ud-1', 'eu', 'main');
const us = ids.userDeleted('ud-1', 'us', 'files');

function confirm(obligationId: string, region: string, store: string, n: number) {
  return [
    e.commandIssued({ eventId: `ci${n}`, commandId: `c${n}`, obligationId, region, store, at: 11 }),
    e.confirmed({ eventId: `r${n}`, commandId: `c${n}`, region, store, at: 12 }),
  ];
}

describe('shredding a subject: what stands in the way', () => {
  it('given a deleted subject whose purges are owed, then those obligations block the shred', () => {
    const state = given(deleted).state();
    expect(shredBlockers(state, 'u1')).toEqual({ pendingObligationIds: [eu, us].sort(), holdIds: [] });
    expect(shredRefusal(shredBlockers(state, 'u1'))).toBe(
      `obligations still owed: ${[eu, us].sort().join(', ')}`,
    );
    // Another subject of the tenant owes nothing.
    expect(shredRefusal(shredBlockers(state, 'u2'))).toBeUndefined();
  });

  it('when every purge is confirmed, then nothing blocks it', () => {
    const state = given(deleted)
      .when(...confirm(eu, 'eu', 'main', 1), ...confirm(us, 'us', 'files', 2))
      .state();
    expect(shredBlockers(state, 'u1')).toEqual({ pendingObligationIds: [], holdIds: [] });
  });

  it("counts the subject's data items' own obligations too", () => {
    const state = given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', region: 'eu', store: 'main', at: 0 }),
      e.dataDeleted({ dataId: 'd1', at: 5 }),
    ]).state();
    expect(shredBlockers(state, 'u1').pendingObligationIds).toEqual([ids.dataDeleted('d1')]);
  });

  it('given a hold on the subject, on one of its items, or on the whole tenant, then the hold blocks it until released', () => {
    const settled = [...deleted, ...confirm(eu, 'eu', 'main', 1), ...confirm(us, 'us', 'files', 2)];
    expect(
      shredBlockers(
        given(settled)
          .when(e.holdPlaced({ holdId: 'h-subject', subjectId: 'u1', at: 20 }))
          .state(),
        'u1',
      ).holdIds,
    ).toEqual(['h-subject']);
    expect(
      shredBlockers(
        given(settled)
          .when(e.holdPlaced({ holdId: 'h-item', dataId: 'd2', at: 20 }))
          .state(),
        'u1',
      ).holdIds,
    ).toEqual(['h-item']);
    expect(
      shredBlockers(
        given(settled)
          .when(e.holdPlaced({ holdId: 'h-tenant', at: 20 }))
          .state(),
        'u1',
      ).holdIds,
    ).toEqual(['h-tenant']);
    // A hold on another subject's item does not cover this one.
    expect(
      shredBlockers(
        given(settled)
          .when(e.holdPlaced({ holdId: 'h-other', dataId: 'd3', at: 20 }))
          .state(),
        'u1',
      ).holdIds,
    ).toEqual([]);
    const released = given([...settled, e.holdPlaced({ holdId: 'h-subject', subjectId: 'u1', at: 20 })])
      .when(e.holdReleased({ holdId: 'h-subject', at: 30 }))
      .state();
    expect(shredRefusal(shredBlockers(released, 'u1'))).toBeUndefined();
  });
});
