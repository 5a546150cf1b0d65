import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

const deletedData = [
  e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
  e.dataDeleted({ dataId: 'd1', at: 10 }),
];

describe('rule: a data restore cancels its pending purge (a recycle bin)', () => {
  it('restored before any command: cancelled, by a restore', () => {
    given(deletedData)
      .when(e.dataRestored({ dataId: 'd1', at: 12 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'cancelled',
        cancelledAt: e.day(12),
        cancelledBy: 'restore',
      });
  });

  it('restored after a command was issued: recorded as too late, the purge stands', () => {
    given([...deletedData, e.commandIssued({ obligationId: ids.dataDeleted('d1'), commandId: 'c1', at: 11 })])
      .when(e.dataRestored({ dataId: 'd1', at: 12 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), status: 'issued', flags: ['restore-too-late'] });
  });

  it('a command issued after the restore (the dispatcher had not seen it) is flagged', () => {
    given([...deletedData, e.dataRestored({ dataId: 'd1', at: 12 })])
      .when(e.commandIssued({ obligationId: ids.dataDeleted('d1'), commandId: 'c1', at: 13 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), flags: ['issued-after-restore'] });
  });

  it('deleted again after the restore: the purge runs from the new deletion', () => {
    given([...deletedData, e.dataRestored({ dataId: 'd1', at: 12 })])
      .when(e.dataDeleted({ dataId: 'd1', at: 20 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        status: 'scheduled',
        triggeredAt: e.day(20),
        deadline: e.day(50),
      });
  });

  it('a restore before the deletion changes nothing', () => {
    given(deletedData)
      .when(e.dataRestored({ dataId: 'd1', at: 5 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), status: 'scheduled' });
  });
});

describe("rule: a user restore cancels the pending purge of the user's deletion", () => {
  const deletedUser = [
    e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
    e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
  ];

  it('restored before any command: cancelled', () => {
    given(deletedUser)
      .when(e.userRestored({ subjectId: 'u1', at: 11 }))
      .thenContains({ obligationId: ids.userDeleted('ud-1'), status: 'cancelled', cancelledBy: 'restore' });
  });

  it('restored after the command: too late', () => {
    given([
      ...deletedUser,
      e.commandIssued({ obligationId: ids.userDeleted('ud-1'), commandId: 'c1', at: 10.5 }),
    ])
      .when(e.userRestored({ subjectId: 'u1', at: 11 }))
      .thenContains({ obligationId: ids.userDeleted('ud-1'), status: 'issued', flags: ['restore-too-late'] });
  });

  it('deleted again after the restore: a new obligation, not a superseded duplicate', () => {
    given([...deletedUser, e.userRestored({ subjectId: 'u1', at: 11 })])
      .when(e.userDeleted({ eventId: 'ud-2', subjectId: 'u1', at: 20 }))
      .thenContains(
        { obligationId: ids.userDeleted('ud-1'), status: 'cancelled' },
        { obligationId: ids.userDeleted('ud-2'), status: 'scheduled', flags: [] },
      );
  });

  it('data created after the restore is not purged as created after the deletion', () => {
    given([...deletedUser, e.userRestored({ subjectId: 'u1', at: 11 })])
      .when(e.dataCreated({ dataId: 'd2', subjectId: 'u1', at: 12 }))
      .then(given([...deletedUser, e.userRestored({ subjectId: 'u1', at: 11 })]).obligations());
  });
});
