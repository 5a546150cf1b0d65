import { DEFAULT_POLICY, type Policy } from '../policy/policy';
import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

/** The EU promises a shorter deadline for personal data than the base rules. */
const REGIONAL: Policy = {
  ...DEFAULT_POLICY,
  version: 'regional-1',
  regions: {
    eu: {
      personal: {
        onDataDeletion: { action: 'purge', after: 'PT0S', deadline: 'P7D' },
        onSubjectDeletion: { action: 'purge', after: 'PT0S', deadline: 'P14D' },
      },
    },
  },
};

describe('rule: a policy may differ per region; the jurisdiction in force is recorded per obligation', () => {
  it("data in the region follows the region's rule, and the obligation says so", () => {
    given([
      e.policyActivated({ policy: REGIONAL, at: 0 }),
      e.dataCreated({ dataId: 'd1', region: 'eu', at: 1 }),
    ])
      .when(e.dataDeleted({ dataId: 'd1', at: 2 }))
      .thenContains({
        obligationId: ids.dataDeleted('d1'),
        deadline: e.day(9),
        jurisdiction: 'eu',
        policyVersion: 'regional-1',
      });
  });

  it('data elsewhere follows the base rules, without a jurisdiction', () => {
    const [o] = given([
      e.policyActivated({ policy: REGIONAL, at: 0 }),
      e.dataCreated({ dataId: 'd1', region: 'us', at: 1 }),
    ])
      .when(e.dataDeleted({ dataId: 'd1', at: 2 }))
      .obligations();
    expect(o).toMatchObject({ deadline: e.day(32), region: 'us' });
    expect(o.jurisdiction).toBeUndefined();
  });

  it("a user's deletion: each store by its region's rule", () => {
    given([
      e.policyActivated({ policy: REGIONAL, at: 0 }),
      e.dataCreated({ dataId: 'd1', subjectId: 'u1', region: 'eu', at: 1 }),
      e.dataCreated({ dataId: 'd2', subjectId: 'u1', region: 'us', at: 1 }),
    ])
      .when(e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 2 }))
      .thenContains(
        { obligationId: ids.userDeleted('ud-1', 'eu', 'main'), deadline: e.day(16), jurisdiction: 'eu' },
        { obligationId: ids.userDeleted('ud-1', 'us', 'main'), deadline: e.day(32) },
      );
  });
});
