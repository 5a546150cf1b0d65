import { DEFAULT_POLICY, type Policy } from '../policy/policy';
import { parsePolicy } from '../policy/parse-policy';
import { EntryBuilder, given, obligationIds } from '../testing';
import { subjectsDueForShredding } from './shred-due';

const e = new EntryBuilder();
const ids = obligationIds();
const SHREDDING: Policy = {
  ...DEFAULT_POLICY,
  version: 'shredding-1',
  ledger: { shredSubjectsAfter: 'P30D' },
};
const ms = (day: number) => Date.parse(e.day(day));

/** u1's data, u1 deleted on day 10, its purge confirmed on day 12; the policy shreds 30 days after. */
const settled = [
  e.policyActivated({ eventId: 'p1', policy: SHREDDING, at: 0 }),
  e.dataCreated({ dataId: 'd1', subjectId: 'u1', region: 'eu', store: 'main', at: 1 }),
  e.userDeleted({ eventId: 'ud-1', subjectId: 'u1', at: 10 }),
  e.commandIssued({
    eventId: 'ci',
    commandId: 'c1',
    obligationId: ids.userDeleted('ud-1', 'eu', 'main'),
    region: 'eu',
    store: 'main',
    at: 10,
  }),
  e.confirmed({ eventId: 'r1', commandId: 'c1', region: 'eu', store: 'main', at: 12 }),
];

describe('ledger.shredSubjectsAfter: subjects the policy shreds', () => {
  it('given a settled deleted subject, then it is due that long after its last obligation settled', () => {
    const state = given(settled).state();
    expect(subjectsDueForShredding(state, ms(41))).toEqual({ due: [], nextAt: ms(42) });
    expect(subjectsDueForShredding(state, ms(42))).toEqual({ due: ['u1'], nextAt: undefined });
  });

  it('is not due while an obligation is owed, a hold covers it, or after a restore', () => {
    const owed = given(settled.slice(0, 3)).state();
    expect(subjectsDueForShredding(owed, ms(100)).due).toEqual([]);
    const held = given(settled)
      .when(e.holdPlaced({ holdId: 'h1', subjectId: 'u1', at: 20 }))
      .state();
    expect(subjectsDueForShredding(held, ms(100)).due).toEqual([]);
    const restored = given(settled)
      .when(e.userRestored({ subjectId: 'u1', at: 20 }))
      .state();
    expect(subjectsDueForShredding(restored, ms(100)).due).toEqual([]);
  });

  it('when shredded, then it is never due again; without the policy key nothing is', () => {
    const shredded = given(settled)
      .when(e.subjectShredded({ eventId: 'op:s', pseudonym: 'u1', at: 43 }))
      .state();
    expect(subjectsDueForShredding(shredded, ms(100))).toEqual({ due: [], nextAt: undefined });
    const onDemandOnly = given([
      e.policyActivated({ eventId: 'p1', policy: DEFAULT_POLICY, at: 0 }),
      ...settled.slice(1),
    ]).state();
    expect(subjectsDueForShredding(onDemandOnly, ms(100)).due).toEqual([]);
  });

  it('a deleted subject without obligations (nothing of it stored) is due that long after its deletion', () => {
    const state = given([settled[0], e.userDeleted({ eventId: 'ud-2', subjectId: 'u2', at: 5 })]).state();
    expect(subjectsDueForShredding(state, ms(35)).due).toEqual(['u2']);
  });

  it('reads `ledger: { shredSubjectsAfter }` from YAML, strictly', () => {
    const yaml = (ledger: string) =>
      `version: v1\ncategories: [personal]\nrules:\n  personal:\n    onDataDeletion: { action: purge, after: PT0S, deadline: P30D }\n    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }\n    onSubscriptionEnd: { action: keep }\nledger: ${ledger}\n`;
    expect(parsePolicy(yaml('{ shredSubjectsAfter: P30D }'), 'yaml')).toMatchObject({
      ledger: { shredSubjectsAfter: 'P30D' },
    });
    expect(() => parsePolicy(yaml('{ shredSubjectsAfter: 30 days }'), 'yaml')).toThrow(
      /ledger.shredSubjectsAfter/,
    );
    expect(() => parsePolicy(yaml('{ shredAfter: P30D }'), 'yaml')).toThrow(/ledger/);
  });
});
