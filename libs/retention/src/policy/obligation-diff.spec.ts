import { DEFAULT_POLICY, type Policy } from './policy';
import { diffObligations } from './obligation-diff';
import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();

const SHORTER: Policy = {
  ...DEFAULT_POLICY,
  version: 'shorter-1',
  rules: {
    ...DEFAULT_POLICY.rules,
    personal: {
      ...DEFAULT_POLICY.rules.personal,
      onDataDeletion: { action: 'purge', after: 'PT0S', deadline: 'P7D' },
    },
    'audit-log': { ...DEFAULT_POLICY.rules['audit-log'], maxAge: undefined },
  },
};
delete (SHORTER.rules['audit-log'] as { maxAge?: unknown }).maxAge;

describe('rule: a policy diff lists obligations added, removed, and moved', () => {
  const ledger = [
    e.dataCreated({ dataId: 'd1', at: 1 }),
    e.dataDeleted({ dataId: 'd1', at: 2 }),
    e.dataCreated({ dataId: 'a1', category: 'audit-log', at: 1 }),
  ];
  const before = given(ledger).obligations();
  const after = given([e.policyActivated({ policy: SHORTER, at: 0 }), ...ledger]).obligations();

  it('a shorter deadline moves the deadline; a dropped max age removes the obligation', () => {
    expect(diffObligations(before, after)).toEqual(
      [
        expect.objectContaining({
          change: 'moved',
          obligationId: ids.dataDeleted('d1'),
          deadline: { from: e.day(32), to: e.day(9) },
          policyVersion: { from: 'default-2025-01', to: 'shorter-1' },
        }),
        expect.objectContaining({ change: 'removed', obligationId: ids.maxAge('a1') }),
      ].sort((a, b) => (a.obligationId < b.obligationId ? -1 : 1)),
    );
  });

  it('the same derivation: no change', () => {
    expect(diffObligations(before, before)).toEqual([]);
  });

  it('the other way round: added', () => {
    expect(diffObligations(after, before)).toContainEqual(
      expect.objectContaining({ change: 'added', obligationId: ids.maxAge('a1') }),
    );
  });
});
