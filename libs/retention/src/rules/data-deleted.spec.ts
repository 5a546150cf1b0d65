import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

describe('rule: data deletion', () => {
  it('purges deleted personal data at once, deadline 30 days (default policy)', () => {
    given([e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 })])
      .when(e.dataDeleted({ dataId: 'd1', at: 10 }))
      .then([
        {
          obligationId: ids.dataDeleted('d1'),
          tenantId: 't1',
          region: 'eu',
          store: 'main',
          target: { kind: 'data', dataId: 'd1' },
          reason: 'data-deleted',
          triggeredAt: e.day(10),
          dueAt: e.day(10),
          deadline: e.day(40),
          status: 'scheduled',
          policyVersion: 'default-2025-01',
          flags: [],
        },
      ]);
  });

  it('targets the region and store the data was created in', () => {
    given([e.dataCreated({ dataId: 'd1', region: 'us', store: 'files', at: 0 })])
      .when(e.dataDeleted({ dataId: 'd1', at: 1 }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), region: 'us', store: 'files' });
  });

  it('a data-deleted that arrives before its data-created waits for it', () => {
    const deleted = e.dataDeleted({ dataId: 'd1', at: 5 });
    given([deleted]).thenNone();
    given([deleted])
      .when(e.dataCreated({ dataId: 'd1', at: 0 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        triggeredAt: e.day(5),
        deadline: e.day(35),
        flags: [],
      });
  });

  it('duplicates change nothing: the same entry twice gives one obligation', () => {
    const deleted = e.dataDeleted({ dataId: 'd1', at: 10 });
    const once = given([e.dataCreated({ dataId: 'd1', at: 0 }), deleted]).obligations();
    given([e.dataCreated({ dataId: 'd1', at: 0 }), deleted])
      .when(deleted)
      .then(once);
    expect(once).toHaveLength(1);
  });

  it('a second deletion of the same data (another eventId) keeps one obligation, from the earliest deletion', () => {
    given([
      e.dataCreated({ dataId: 'd1', at: 0 }),
      e.dataDeleted({ dataId: 'd1', at: 10, deletedBy: 'user' }),
    ])
      .when(e.dataDeleted({ dataId: 'd1', at: 8, deletedBy: 'admin' }))
      .then([expect.objectContaining({ obligationId: ids.dataDeleted('d1'), triggeredAt: e.day(8) })]);
  });

  it('a kept category (the audit log) is not purged on data deletion', () => {
    given([e.dataCreated({ dataId: 'a1', category: 'audit-log', at: 0 })])
      .when(e.dataDeleted({ dataId: 'a1', at: 1 }))
      .then([expect.objectContaining({ reason: 'max-age' })]);
  });

  it('a deletion older than the creation (producer clocks) is still purged, and flagged', () => {
    given([e.dataCreated({ dataId: 'd1', at: 3 })])
      .when(e.dataDeleted({ dataId: 'd1', at: 2 }))
      .thenContains({ reason: 'data-deleted', triggeredAt: e.day(2), flags: ['deleted-before-created'] });
  });
});

describe('rule: max age', () => {
  it('purges audit-log data 365 days after creation, deadline 30 days later', () => {
    given()
      .when(e.dataCreated({ dataId: 'a1', category: 'audit-log', subjectId: 'u1', at: 0 }))
      .then([
        {
          obligationId: ids.maxAge('a1'),
          tenantId: 't1',
          region: 'eu',
          store: 'main',
          target: { kind: 'data', dataId: 'a1' },
          reason: 'max-age',
          triggeredAt: e.day(0),
          dueAt: e.day(365),
          deadline: e.day(395),
          status: 'scheduled',
          policyVersion: 'default-2025-01',
          flags: [],
        },
      ]);
  });

  it('personal data has no max age', () => {
    given()
      .when(e.dataCreated({ dataId: 'd1', at: 0 }))
      .thenNone();
  });
});
