import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

describe('rule: user deletion', () => {
  it("yields one obligation per region and store holding the user's data, deadline 30 days", () => {
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', region: 'eu', store: 'main', at: 0 }),
      e.dataCreated({ dataId: 'd2', subjectId: 'u1', region: 'eu', store: 'main', at: 1 }),
      e.dataCreated({ dataId: 'd3', subjectId: 'u1', region: 'us', store: 'files', at: 2 }),
      e.dataCreated({ dataId: 'd4', subjectId: 'u2', region: 'us', store: 'other', at: 2 }),
    ])
      .when(e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }))
      .then([
        {
          obligationId: ids.userDeleted('ud-1', 'eu', 'main'),
          tenantId: 't1',
          region: 'eu',
          store: 'main',
          target: { kind: 'subject', subjectId: 'u1', categories: ['personal'] },
          reason: 'user-deleted',
          triggeredAt: e.day(10),
          dueAt: e.day(10),
          deadline: e.day(40),
          status: 'scheduled',
          policyVersion: 'default-2025-01',
          flags: [],
        },
        {
          obligationId: ids.userDeleted('ud-1', 'us', 'files'),
          tenantId: 't1',
          region: 'us',
          store: 'files',
          target: { kind: 'subject', subjectId: 'u1', categories: ['personal'] },
          reason: 'user-deleted',
          triggeredAt: e.day(10),
          dueAt: e.day(10),
          deadline: e.day(40),
          status: 'scheduled',
          policyVersion: 'default-2025-01',
          flags: [],
        },
      ]);
  });

  it('never targets categories the policy keeps (the audit log)', () => {
    const result = given([
      e.dataCreated({ dataId: 'a1', subjectId: 'u1', category: 'audit-log', store: 'audit', at: 0 }),
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', category: 'personal', store: 'main', at: 0 }),
    ])
      .when(e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }))
      .obligations();
    const userDeletions = result.filter((o) => o.reason === 'user-deleted');
    expect(userDeletions.map((o) => o.store)).toEqual(['main']);
    expect(userDeletions[0].target).toEqual({ kind: 'subject', subjectId: 'u1', categories: ['personal'] });
    // The audit log stays until its own max age.
    expect(result.filter((o) => o.store === 'audit').map((o) => o.reason)).toEqual(['max-age']);
  });

  it("a late data-created for an already deleted subject joins the subject's deadline", () => {
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', store: 'main', at: 0 }),
      e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
    ])
      // Created on day 5, before the deletion, but arriving after it (another topic).
      .when(e.dataCreated({ dataId: 'd9', subjectId: 'u1', region: 'us', store: 'files', at: 5 }))
      .thenContains(
        { obligationId: ids.userDeleted('ud-1', 'eu', 'main'), deadline: e.day(40) },
        {
          obligationId: ids.userDeleted('ud-1', 'us', 'files'),
          triggeredAt: e.day(10),
          deadline: e.day(40),
          flags: [],
        },
      );
  });

  it('a late data-created in a store already covered adds nothing', () => {
    const before = given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
      e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
    ]).obligations();
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
      e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
    ])
      .when(e.dataCreated({ dataId: 'd2', subjectId: 'u1', at: 3 }))
      .then(before);
  });

  it("data created after its subject's deletion is purged at once and flagged", () => {
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
      e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
    ])
      .when(e.dataCreated({ dataId: 'd2', subjectId: 'u1', region: 'us', store: 'late', at: 12 }))
      .then([
        expect.objectContaining({ obligationId: ids.userDeleted('ud-1', 'eu', 'main') }),
        {
          obligationId: ids.createdAfterDeletion('d2'),
          tenantId: 't1',
          region: 'us',
          store: 'late',
          target: { kind: 'data', dataId: 'd2' },
          reason: 'user-deleted',
          triggeredAt: e.day(12),
          dueAt: e.day(12),
          deadline: e.day(42),
          status: 'scheduled',
          policyVersion: 'default-2025-01',
          flags: ['created-after-subject-deletion'],
        },
      ]);
  });

  it('a user deletion without data yields nothing (and data arriving later is handled by the rules above)', () => {
    given()
      .when(e.userDeleted({ subjectId: 'u1', at: 1 }))
      .thenNone();
  });

  it('duplicates change nothing: the same UserDeleted twice', () => {
    const deletion = e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 });
    given([e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }), deletion])
      .when(deletion)
      .then([expect.objectContaining({ obligationId: ids.userDeleted('ud-1') })]);
  });

  it('a second deletion of the same user (another eventId) is a duplicate: the earliest deletion rules', () => {
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
      e.userDeleted({ eventId: 'ud-admin', subjectId: 'u1', at: 12 }),
    ])
      .when(e.userDeleted({ eventId: 'ud-self', subjectId: 'u1', at: 10 }))
      .then([expect.objectContaining({ obligationId: ids.userDeleted('ud-self'), triggeredAt: e.day(10) })]);
  });

  it('a duplicate deletion for which a command was already issued stays visible, flagged superseded', () => {
    given([
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
      e.userDeleted({ eventId: 'ud-admin', subjectId: 'u1', at: 12 }),
      e.commandIssued({ obligationId: ids.userDeleted('ud-admin'), commandId: 'c1', at: 12 }),
    ])
      .when(e.userDeleted({ eventId: 'ud-self', subjectId: 'u1', at: 10 }))
      .thenContains(
        { obligationId: ids.userDeleted('ud-self'), status: 'scheduled', flags: [] },
        { obligationId: ids.userDeleted('ud-admin'), status: 'issued', flags: ['superseded'] },
      );
  });
});
