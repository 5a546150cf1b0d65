import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

const deletedData = [
  e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
  e.dataDeleted({ dataId: 'd1', at: 10 }),
];

describe('rule: legal holds suspend, release resumes', () => {
  it('a tenant hold suspends an obligation: status held, due and deadline unchanged until release', () => {
    given(deletedData)
      .when(e.holdPlaced({ holdId: 'h1', at: 5 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'held',
        holdIds: ['h1'],
        heldSince: e.day(10),
        dueAt: e.day(10),
        deadline: e.day(40),
      });
  });

  it('release resumes the clock: due and deadline move by the time the hold overlapped', () => {
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 5 })])
      .when(e.holdReleased({ holdId: 'h1', at: 25 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'scheduled',
        holdIds: ['h1'],
        dueAt: e.day(25),
        deadline: e.day(55),
      });
  });

  it('a hold placed after the due time, before dispatch, moves the deadline only', () => {
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 20 })])
      .when(e.holdReleased({ holdId: 'h1', at: 30 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), dueAt: e.day(10), deadline: e.day(50) });
  });

  it('overlapping holds count once', () => {
    given([
      ...deletedData,
      e.holdPlaced({ holdId: 'h1', at: 12 }),
      e.holdPlaced({ holdId: 'h2', subjectId: 'u1', at: 14 }),
      e.holdReleased({ holdId: 'h1', at: 16 }),
    ])
      .when(e.holdReleased({ holdId: 'h2', at: 18 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), holdIds: ['h1', 'h2'], deadline: e.day(46) });
  });

  it("a subject hold covers that subject's obligations only", () => {
    given([
      ...deletedData,
      e.dataCreated({ dataId: 'd2', subjectId: 'u2', at: 0 }),
      e.dataDeleted({ dataId: 'd2', at: 10 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', subjectId: 'u1', at: 5 }))
      .thenContains(
        { obligationId: ids.dataDeleted('d1'), status: 'held', holdIds: ['h1'] },
        { obligationId: ids.dataDeleted('d2'), status: 'scheduled' },
      );
  });

  it("a subject hold suspends the user's deletion", () => {
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
      e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', subjectId: 'u1', at: 11 }))
      .thenContains({ obligationId: ids.userDeleted('ud-1'), status: 'held', heldSince: e.day(11) });
  });

  it("a subject hold suspends the tenant-wide purge of the stores holding the subject's data (holds win)", () => {
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', store: 'main', at: 0 }),
      e.dataCreated({ dataId: 'd2', subjectId: 'u2', store: 'other', at: 0 }),
      e.subscriptionEnded({ eventId: 'end-1', at: 10 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', subjectId: 'u1', at: 11 }))
      .thenContains(
        { obligationId: ids.subscriptionEnded('end-1', 'eu', 'main'), status: 'held' },
        { obligationId: ids.subscriptionEnded('end-1', 'eu', 'other'), status: 'scheduled' },
      );
  });

  it('a hold released before the trigger has no effect', () => {
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 1 })])
      .when(e.holdReleased({ holdId: 'h1', at: 2 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'scheduled',
        dueAt: e.day(10),
        deadline: e.day(40),
      });
  });

  it('a release that arrives before its placement waits for it', () => {
    given([...deletedData, e.holdReleased({ holdId: 'h1', at: 25 })])
      .when(e.holdPlaced({ holdId: 'h1', at: 5 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'scheduled',
        dueAt: e.day(25),
        deadline: e.day(55),
      });
  });

  it('the first release at or after a placement ends it; a release stamped before every placement ends nothing', () => {
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 5 }), e.holdReleased({ holdId: 'h1', at: 4 })])
      .when(e.holdReleased({ holdId: 'h1', at: 20 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'scheduled',
        dueAt: e.day(20),
        deadline: e.day(50),
      });
    // Holds win: a release that precedes the placement is no evidence the hold ended (ingest dead-letters it).
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 5 })])
      .when(e.holdReleased({ holdId: 'h1', at: 4 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), status: 'held', heldSince: e.day(10) });
  });

  it('an issued command is not suspended by a later hold, which is flagged', () => {
    given([...deletedData, e.commandIssued({ obligationId: ids.dataDeleted('d1'), commandId: 'c1', at: 11 })])
      .when(e.holdPlaced({ holdId: 'h1', at: 12 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'issued',
        flags: ['hold-placed-after-issue'],
        deadline: e.day(40),
      });
  });

  it('a command issued while a hold was active is flagged', () => {
    given([...deletedData, e.holdPlaced({ holdId: 'h1', at: 5 })])
      .when(e.commandIssued({ obligationId: ids.dataDeleted('d1'), commandId: 'c1', at: 11 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), status: 'issued', flags: ['issued-during-hold'] });
  });

  it('a failed command under an active hold is held (no retry while held)', () => {
    given([
      ...deletedData,
      e.commandIssued({ obligationId: ids.dataDeleted('d1'), commandId: 'c1', at: 11 }),
      e.failed({ commandId: 'c1', at: 12, error: 'store down' }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', at: 13 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'held',
        failedAt: e.day(12),
        error: 'store down',
      });
  });

  it('a hold does not revive a cancelled passive deletion', () => {
    given([
      e.dataCreated({ dataId: 'd1', at: 0 }),
      e.subscriptionEnded({ eventId: 'end-1', at: 10 }),
      e.subscriptionReactivated({ at: 20 }),
    ])
      .when(e.holdPlaced({ holdId: 'h1', at: 15 }))
      .thenContains({ obligationId: ids.subscriptionEnded('end-1'), status: 'cancelled' });
  });
});
