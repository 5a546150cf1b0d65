import { checkPolicyChange } from './policy-change';
import { DEFAULT_POLICY, type Policy } from './policy';

/** The audit log is under a preservation lock. */
const LOCKED: Policy = {
  ...DEFAULT_POLICY,
  version: 'locked-1',
  rules: { ...DEFAULT_POLICY.rules, 'audit-log': { ...DEFAULT_POLICY.rules['audit-log'], locked: true } },
};
const withAudit = (over: Partial<Policy['rules']['audit-log']>, version = 'next'): Policy => ({
  ...LOCKED,
  version,
  rules: { ...LOCKED.rules, 'audit-log': { ...LOCKED.rules['audit-log'], ...over } },
});

describe('rule: a locked category can be lengthened, never shortened or removed', () => {
  it('lengthening the maximum age is allowed', () => {
    expect(checkPolicyChange(LOCKED, withAudit({ maxAge: { age: 'P730D', grace: 'P30D' } }))).toEqual([]);
  });

  it('shortening it is refused, naming the category', () => {
    expect(checkPolicyChange(LOCKED, withAudit({ maxAge: { age: 'P90D', grace: 'P30D' } }))).toEqual([
      {
        path: 'rules.audit-log',
        message:
          'category "audit-log" is locked: maxAge.age would shorten from P365D to P90D (it may be lengthened, never shortened)',
      },
    ]);
  });

  it('purging what it keeps is refused', () => {
    const issues = checkPolicyChange(
      LOCKED,
      withAudit({ onDataDeletion: { action: 'purge', after: 'PT0S', deadline: 'P30D' } }),
    );
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringContaining('"audit-log" is locked: onDataDeletion would purge data it keeps'),
    ]);
  });

  it('unlocking or removing it is refused', () => {
    expect(
      checkPolicyChange(LOCKED, {
        ...LOCKED,
        rules: { ...LOCKED.rules, 'audit-log': DEFAULT_POLICY.rules['audit-log'] },
      }),
    ).toEqual([
      { path: 'rules.audit-log.locked', message: 'category "audit-log" is locked: it cannot be unlocked' },
    ]);
    const removed: Policy = {
      ...LOCKED,
      categories: ['personal'],
      rules: { personal: LOCKED.rules.personal },
    };
    expect(checkPolicyChange(LOCKED, removed)).toEqual([
      { path: 'rules.audit-log', message: 'category "audit-log" is locked: it cannot be removed' },
    ]);
  });

  it("a region's rules may not shorten it either", () => {
    const regional: Policy = {
      ...LOCKED,
      version: 'r',
      regions: { eu: { 'audit-log': { maxAge: { age: 'P30D', grace: 'P1D' } } } },
    };
    expect(checkPolicyChange(LOCKED, regional)).toEqual([
      expect.objectContaining({
        path: 'regions.eu.audit-log',
        message: expect.stringContaining('in region eu'),
      }),
    ]);
  });

  it('unlocked categories change freely', () => {
    const shorter: Policy = {
      ...LOCKED,
      rules: {
        ...LOCKED.rules,
        personal: {
          ...LOCKED.rules.personal,
          onDataDeletion: { action: 'purge', after: 'PT0S', deadline: 'P1D' },
        },
      },
    };
    expect(checkPolicyChange(LOCKED, shorter)).toEqual([]);
  });
});
