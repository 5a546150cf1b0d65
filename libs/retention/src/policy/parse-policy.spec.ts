import { canonicalPolicyJson } from './canonical';
import { parsePolicy, PolicyError, validatePolicy } from './parse-policy';
import { DEFAULT_POLICY } from './policy';

const DEFAULT_YAML = `
version: default-2025-01
description: Built-in default from the Microsoft 365 / Intune commitments
categories: [personal, audit-log]
rules:
  personal:
    onDataDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubjectDeletion: { action: purge, deadline: P30D }
    onSubscriptionEnd: { action: purge, expired: P30D, disabled: P90D, deadline: P180D }
  audit-log:
    onDataDeletion: { action: keep }
    onSubjectDeletion: { action: keep }
    onSubscriptionEnd: { action: keep }
    maxAge: { age: P365D, grace: P30D }
`;

/** The default policy as YAML with one line replaced. */
function withLine(from: string, to: string): string {
  if (!DEFAULT_YAML.includes(from)) throw new Error(`fixture has no line ${from}`);
  return DEFAULT_YAML.replace(from, to);
}

function errorOf(text: string, format: 'yaml' | 'json' = 'yaml'): PolicyError {
  try {
    parsePolicy(text, format, 'policy.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('policy: valid files', () => {
  it('the default policy written as YAML parses to DEFAULT_POLICY (after defaults: after = PT0S)', () => {
    expect(parsePolicy(DEFAULT_YAML, 'yaml')).toEqual(DEFAULT_POLICY);
  });

  it('JSON works too, and the canonical form ignores layout, key order and format', () => {
    const json = JSON.stringify({
      rules: JSON.parse(JSON.stringify(DEFAULT_POLICY.rules)),
      categories: ['personal', 'audit-log'],
      version: 'default-2025-01',
      description: DEFAULT_POLICY.description,
    });
    const fromJson = parsePolicy(json, 'json');
    expect(canonicalPolicyJson(fromJson)).toBe(canonicalPolicyJson(parsePolicy(DEFAULT_YAML, 'yaml')));
    expect(canonicalPolicyJson(fromJson)).toBe(canonicalPolicyJson(DEFAULT_POLICY));
  });

  it('the canonical form changes with any change of meaning', () => {
    const changed = parsePolicy(withLine('deadline: P180D', 'deadline: P181D'), 'yaml');
    expect(canonicalPolicyJson(changed)).not.toBe(canonicalPolicyJson(DEFAULT_POLICY));
  });

  it('the canonical form is sorted, compact JSON', () => {
    const text = canonicalPolicyJson(DEFAULT_POLICY);
    expect(text.startsWith('{"categories":["audit-log","personal"],"description":')).toBe(true);
    expect(text).not.toMatch(/\s"|":\s/);
  });

  it('accepts calendar durations (months, years) and weeks', () => {
    const policy = parsePolicy(
      withLine('maxAge: { age: P365D, grace: P30D }', 'maxAge: { age: P1Y, grace: P2W }'),
      'yaml',
    );
    expect(policy.rules['audit-log'].maxAge).toEqual({ age: 'P1Y', grace: 'P2W' });
  });
});

describe('policy: bad files stop start-up with a message naming the field', () => {
  it('unknown category in a rule', () => {
    const error = errorOf(withLine('  audit-log:\n', '  audit-logs:\n'));
    expect(error.message).toContain(
      'rules.audit-logs: unknown category "audit-logs" (declared categories: audit-log, personal)',
    );
    expect(error.message).toContain('rules.audit-log: is missing');
    expect(error.issues.map((i) => i.path)).toEqual(['rules.audit-logs', 'rules.audit-log']);
  });

  it('malformed duration', () => {
    const error = errorOf(
      withLine(
        'onSubjectDeletion: { action: purge, deadline: P30D }',
        'onSubjectDeletion: { action: purge, deadline: 30 days }',
      ),
    );
    expect(error.message).toBe(
      'policy.yaml: invalid retention policy: rules.personal.onSubjectDeletion.deadline: "30 days" is not a valid ISO-8601 duration (expected e.g. "P30D", "PT12H", "P1Y")',
    );
  });

  it.each([['P'], ['PT'], ['P30DT'], ['p30d'], ['P1.5M']])('malformed duration %s', (bad) => {
    expect(errorOf(withLine('expired: P30D', `expired: ${bad}`)).message).toContain(
      `rules.personal.onSubscriptionEnd.expired: "${bad}" is not a valid ISO-8601 duration`,
    );
  });

  it('a duration that is not a string', () => {
    expect(errorOf(withLine('grace: P30D', 'grace: 30')).message).toContain(
      'rules.audit-log.maxAge.grace: must be an ISO-8601 duration string such as "P30D", got number 30',
    );
  });

  it.each([['P-3D'], ['-P3D'], ['PT-1H']])('negative duration %s', (bad) => {
    expect(
      errorOf(
        withLine(
          'onDataDeletion: { action: purge, after: PT0S, deadline: P30D }',
          `onDataDeletion: { action: purge, after: PT0S, deadline: ${bad} }`,
        ),
      ).message,
    ).toContain(
      `rules.personal.onDataDeletion.deadline: "${bad}" is negative; durations must be zero or positive`,
    );
  });

  it('missing version', () => {
    const error = errorOf(withLine('version: default-2025-01\n', ''));
    expect(error.message).toBe(
      'policy.yaml: invalid retention policy: version: is required (e.g. version: "2025-01")',
    );
  });

  it('a version written as a number (1.10 would become 1.1)', () => {
    expect(errorOf(withLine('version: default-2025-01', 'version: 1.10')).message).toContain(
      'version: must be a string; quote it',
    );
  });

  it('unknown key in a rule', () => {
    const error = errorOf(
      withLine(
        '{ action: purge, after: PT0S, deadline: P30D }',
        '{ action: purge, after: PT0S, dedline: P30D }',
      ),
    );
    expect(error.issues).toEqual([
      {
        path: 'rules.personal.onDataDeletion.dedline',
        message: 'unknown key "dedline" (did you mean "deadline"? allowed: action, after, deadline)',
      },
      {
        path: 'rules.personal.onDataDeletion.deadline',
        message: 'is required (an ISO-8601 duration such as "P30D")',
      },
    ]);
  });

  it('unknown key at the top, in a category, and on a kept rule', () => {
    const error = errorOf(
      withLine('categories:', 'retention: forever\ncategories:')
        .replace('maxAge:', 'maxAgee:')
        .replace('onDataDeletion: { action: keep }', 'onDataDeletion: { action: keep, deadline: P1D }'),
    );
    expect(error.issues.map((i) => i.path)).toEqual([
      'retention',
      'rules.audit-log.maxAgee',
      'rules.audit-log.onDataDeletion.deadline',
    ]);
    expect(error.message).toContain(
      'retention: unknown key "retention" (allowed: version, description, categories, rules, regions, expedited, ledger)',
    );
  });

  it('a missing rule for a trigger names it', () => {
    expect(errorOf(withLine('    onSubscriptionEnd: { action: keep }\n', '')).message).toContain(
      'rules.audit-log.onSubscriptionEnd: is required (use { action: keep } to keep the data)',
    );
  });

  it('an unknown action', () => {
    expect(
      errorOf(withLine('onDataDeletion: { action: keep }', 'onDataDeletion: { action: archive }')).message,
    ).toContain('rules.audit-log.onDataDeletion.action: must be keep or purge, got string "archive"');
  });

  it('a deadline before the purge is due', () => {
    expect(errorOf(withLine('deadline: P180D', 'deadline: P100D')).message).toContain(
      'rules.personal.onSubscriptionEnd.deadline: "P100D" is earlier than the purge (expired "P30D" + disabled "P90D")',
    );
  });

  it('a duplicate category, and a bad category name', () => {
    const error = errorOf(
      withLine('categories: [personal, audit-log]', 'categories: [personal, audit-log, personal, "a b"]'),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['categories[2]', 'categories[3]']);
  });

  it('not YAML at all, duplicate keys, not a mapping, not JSON', () => {
    expect(errorOf('version: [unclosed').message).toContain('not valid YAML');
    expect(errorOf('version: a\nversion: b').message).toContain('not valid YAML');
    expect(errorOf('- a list').message).toContain('the policy must be a mapping');
    expect(errorOf('{ "version": ', 'json').message).toContain('not valid JSON');
  });

  it('reports every problem at once', () => {
    const error = errorOf('categories: [personal]\nrules: {}\n');
    expect(error.message).toContain('(2 problems)');
    expect(error.issues.map((i) => i.path)).toEqual(['version', 'rules.personal']);
  });

  it('validatePolicy checks already parsed values the same way (PolicyActivated payloads)', () => {
    expect(() => validatePolicy({ ...DEFAULT_POLICY, version: undefined })).toThrow('version: is required');
    expect(validatePolicy(JSON.parse(canonicalPolicyJson(DEFAULT_POLICY)))).toEqual(DEFAULT_POLICY);
  });
});

describe('policy: regions, expedited and locked', () => {
  const base = `
version: v1
categories: [personal]
rules:
  personal:
    locked: true
    onDataDeletion:    { action: purge, after: PT0S, deadline: P30D }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubscriptionEnd: { action: keep }
`;
  it('reads per-region rules, the expedited rule and the lock', () => {
    const policy = parsePolicy(
      base +
        `regions:
  eu:
    personal:
      onDataDeletion: { action: purge, after: PT0S, deadline: P7D }
expedited: { after: PT5M, deadline: P1D }
`,
      'yaml',
    );
    expect(policy.rules.personal.locked).toBe(true);
    expect(policy.regions).toEqual({
      eu: { personal: { onDataDeletion: { action: 'purge', after: 'PT0S', deadline: 'P7D' } } },
    });
    expect(policy.expedited).toEqual({ after: 'PT5M', deadline: 'P1D' });
  });

  it('names the field of a bad region rule, an unknown category there, and a bad lock', () => {
    const bad =
      base.replace('locked: true', 'locked: yes') +
      `regions:
  eu:
    persnal: { onDataDeletion: { action: keep } }
    personal:
      onDataDeletion: { action: purge, deadline: soon }
`;
    expect(() => parsePolicy(bad, 'yaml')).toThrow(PolicyError);
    const paths = (() => {
      try {
        parsePolicy(bad, 'yaml');
        return [];
      } catch (error) {
        return (error as PolicyError).issues.map((i) => i.path);
      }
    })();
    expect(paths).toEqual(
      expect.arrayContaining([
        'rules.personal.locked',
        'regions.eu.persnal',
        'regions.eu.personal.onDataDeletion.deadline',
      ]),
    );
  });
});
