import { ENTRY_TYPES, type EntryType, type NewEntry } from '@app/contracts/entry-types';
import { evolve, TenantMismatchError } from './evolve';
import { obligations } from './obligations';
import { DEFAULT_POLICY } from './policy/policy';
import { initialState } from './state';
import { EntryBuilder, given } from './testing';

const e = new EntryBuilder();

/** One entry of each type (the switch in evolve is exhaustive at compile time; this checks it at run time too). */
const oneOfEach: Record<EntryType, NewEntry> = {
  DataCreated: e.dataCreated({ dataId: 'd1', subjectId: 'u1' }),
  DataDeleted: e.dataDeleted({ dataId: 'd1' }),
  UserDeleted: e.userDeleted({ subjectId: 'u1' }),
  SubscriptionEnded: e.subscriptionEnded(),
  SubscriptionReactivated: e.subscriptionReactivated(),
  LegalHoldPlaced: e.holdPlaced({ holdId: 'h1' }),
  LegalHoldReleased: e.holdReleased({ holdId: 'h1' }),
  DeletionCommandIssued: e.commandIssued({ obligationId: 'ob.x', commandId: 'c1' }),
  DeletionConfirmed: e.confirmed({ commandId: 'c1' }),
  DeletionFailed: e.failed({ commandId: 'c1' }),
  PolicyActivated: e.policyActivated({ policy: DEFAULT_POLICY }),
  DataRestored: e.dataRestored({ dataId: 'd1' }),
  UserRestored: e.userRestored({ subjectId: 'u1' }),
  ObligationRetried: e.retried({ obligationId: 'ob.x' }),
  ObligationResolved: e.resolved({ obligationId: 'ob.x', resolution: 'waived' }),
  ObligationExtended: e.extended({ obligationId: 'ob.x', until: 40 }),
  SubjectShredded: e.subjectShredded({ pseudonym: 'u1' }),
  LedgerMigrated: e.ledgerMigrated(),
};

describe('evolve', () => {
  it.each(ENTRY_TYPES.map((type) => [type]))('handles %s', (type) => {
    const state = initialState('t1');
    expect(evolve(state, oneOfEach[type])).toBe(state);
  });

  it('refuses an entry of another tenant (a wiring error), except PolicyActivated', () => {
    const other = new EntryBuilder('t2');
    expect(() => evolve(initialState('t1'), other.dataDeleted({ dataId: 'd1' }))).toThrow(
      TenantMismatchError,
    );
    expect(() => evolve(initialState('t1'), other.policyActivated({ policy: DEFAULT_POLICY }))).not.toThrow();
  });

  it('ignores an entry whose time cannot be read, and reports it', () => {
    const broken = { ...e.dataDeleted({ eventId: 'bad', dataId: 'd1' }), occurredAt: 'yesterday' };
    const state = evolve(initialState('t1'), broken);
    expect(state.ignoredEntries).toEqual(['bad']);
    expect(state.data.size).toBe(0);
  });

  it('accepts ledger entries (with their envelope) as well as new ones', () => {
    const entry = {
      ...e.dataCreated({ dataId: 'a1', category: 'audit-log' }),
      streamPosition: 1,
      globalPosition: '1',
      recordedAt: e.day(400),
      prevHash: '0'.repeat(64),
      hash: '1'.repeat(64),
    };
    expect(obligations(evolve(initialState('t1'), entry))).toHaveLength(1);
  });

  it('never reads the clock: recordedAt (the appender wall clock) does not matter', () => {
    const base = e.dataCreated({ dataId: 'a1', category: 'audit-log' });
    const envelope = (recordedAt: string) => ({
      ...base,
      streamPosition: 1,
      globalPosition: '1',
      recordedAt,
      prevHash: '',
      hash: '',
    });
    expect(obligations(evolve(initialState('t1'), envelope(e.day(1))))).toEqual(
      obligations(evolve(initialState('t1'), envelope(e.day(900)))),
    );
  });

  it('data in a category the policy does not know yields no obligation (ingest rejects such data)', () => {
    given()
      .when(e.dataCreated({ dataId: 'd1', category: 'telemetry' }), e.dataDeleted({ dataId: 'd1', at: 1 }))
      .thenNone();
  });
});
