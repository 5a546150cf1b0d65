import { parse as parseYaml, YAMLParseError } from 'yaml';
import { REGION_PATTERN, REGION_PATTERN_TEXT } from '@app/contracts/validation/field-rules';
import { parseDuration, type CompiledDuration } from './duration';
import type {
  CategoryRules,
  DeletionRule,
  ExpeditedRule,
  LedgerRetention,
  MaxAgeRule,
  Policy,
  RegionRules,
  SubscriptionEndRule,
} from './policy';

/** One problem in a policy file, located by its field path (`rules.personal.onDataDeletion.deadline`). */
export interface PolicyIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A policy that must not be loaded. The message names every offending field, so
 * start-up can print it as is and stop.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly issues: readonly PolicyIssue[],
    readonly source?: string,
  ) {
    super(formatIssues(issues, source));
  }
}

function formatIssues(issues: readonly PolicyIssue[], source: string | undefined): string {
  const prefix = source ? `${source}: ` : '';
  const lines = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  if (lines.length === 1) return `${prefix}invalid retention policy: ${lines[0]}`;
  return `${prefix}invalid retention policy (${lines.length} problems):\n${lines.map((l) => `  - ${l}`).join('\n')}`;
}

export type PolicyFormat = 'yaml' | 'json';

/**
 * Parses and validates a policy file's text. Throws `PolicyError` naming each bad
 * field. `source` (e.g. the file path) prefixes the message.
 */
export function parsePolicy(text: string, format: PolicyFormat, source?: string): Policy {
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    const detail =
      error instanceof YAMLParseError || error instanceof SyntaxError ? error.message : String(error);
    throw new PolicyError([{ path: '', message: `not valid ${format.toUpperCase()}: ${detail}` }], source);
  }
  return validatePolicy(value, source);
}

/** Validates an already parsed policy value (e.g. the `policy` of a PolicyActivated entry). */
export function validatePolicy(value: unknown, source?: string): Policy {
  const issues: PolicyIssue[] = [];
  const policy = readPolicy(value, issues);
  if (issues.length > 0 || policy === undefined) throw new PolicyError(issues, source);
  return policy;
}

/** Like `validatePolicy`, but returns the issues instead of throwing. */
export function checkPolicy(
  value: unknown,
): { policy: Policy; issues: [] } | { policy: undefined; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  const policy = readPolicy(value, issues);
  return policy && issues.length === 0 ? { policy, issues: [] } : { policy: undefined, issues };
}

const checked = new WeakMap<object, ReturnType<typeof checkPolicy>>();

/**
 * `checkPolicy`, memoised per value: a projector applies the same PolicyActivated
 * entry (the same parsed object) to every tenant's state.
 */
export function checkPolicyMemo(value: unknown): ReturnType<typeof checkPolicy> {
  if (value === null || typeof value !== 'object') return checkPolicy(value);
  let result = checked.get(value);
  if (!result) {
    result = checkPolicy(value);
    checked.set(value, result);
  }
  return result;
}

const ROOT_KEYS = [
  'version',
  'description',
  'categories',
  'rules',
  'regions',
  'expedited',
  'ledger',
] as const;
const RULE_KEYS = ['onDataDeletion', 'onSubjectDeletion', 'onSubscriptionEnd', 'maxAge'] as const;
const CATEGORY_KEYS = [...RULE_KEYS, 'locked'] as const;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,63}$/;
const CATEGORY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function child(path: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  const joined = /^[A-Za-z_]/.test(segment) ? segment : `[${segment}]`;
  if (!path) return joined;
  return joined.startsWith('[') ? `${path}${joined}` : `${path}.${joined}`;
}

/** Reports keys not in `allowed` as errors naming them. */
function rejectUnknownKeys(
  value: Mapping,
  allowed: readonly string[],
  path: string,
  issues: PolicyIssue[],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const near = allowed.find((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
      const hint = near ? `did you mean "${near}"? ` : '';
      issues.push({
        path: child(path, key),
        message: `unknown key "${key}" (${hint}allowed: ${allowed.join(', ')})`,
      });
    }
  }
}

/** Levenshtein distance, for "did you mean" hints on short keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

function readPolicy(value: unknown, issues: PolicyIssue[]): Policy | undefined {
  if (!isMapping(value)) {
    issues.push({
      path: '',
      message: `the policy must be a mapping with version, categories and rules, got ${describe(value)}`,
    });
    return undefined;
  }
  rejectUnknownKeys(value, ROOT_KEYS, '', issues);

  const version = readVersion(value.version, issues);
  let description: string | undefined;
  if (value.description !== undefined) {
    if (typeof value.description === 'string') description = value.description;
    else
      issues.push({ path: 'description', message: `must be a string, got ${describe(value.description)}` });
  }
  const categories = readCategories(value.categories, issues);
  const rules = readRules(value.rules, categories, issues);
  const regions = value.regions === undefined ? undefined : readRegions(value.regions, categories, issues);
  const expedited =
    value.expedited === undefined ? undefined : readExpedited(value.expedited, 'expedited', issues);
  const ledger = value.ledger === undefined ? undefined : readLedgerRetention(value.ledger, 'ledger', issues);
  if (version === undefined || categories === undefined || rules === undefined) return undefined;
  // Optional keys are left out when absent, so existing policies keep their canonical form and hash.
  return {
    version,
    ...(description === undefined ? {} : { description }),
    categories,
    rules,
    ...(regions === undefined ? {} : { regions }),
    ...(expedited === undefined ? {} : { expedited }),
    ...(ledger === undefined ? {} : { ledger }),
  };
}

function readLedgerRetention(
  value: unknown,
  path: string,
  issues: PolicyIssue[],
): LedgerRetention | undefined {
  if (!isMapping(value)) {
    issues.push({ path, message: `must be a mapping { shredSubjectsAfter }, got ${describe(value)}` });
    return undefined;
  }
  const before = issues.length;
  rejectUnknownKeys(value, ['shredSubjectsAfter'], path, issues);
  const after = readDuration(value, 'shredSubjectsAfter', path, issues);
  if (issues.length > before || !after) return undefined;
  return { shredSubjectsAfter: after.iso };
}

function readRegions(
  value: unknown,
  categories: readonly string[] | undefined,
  issues: PolicyIssue[],
): Record<string, RegionRules> | undefined {
  if (!isMapping(value)) {
    issues.push({
      path: 'regions',
      message: `must be a mapping of region to category rules, got ${describe(value)}`,
    });
    return undefined;
  }
  const before = issues.length;
  const out: Record<string, RegionRules> = {};
  for (const region of Object.keys(value).sort()) {
    const path = child('regions', region);
    if (!REGION_PATTERN.test(region)) {
      issues.push({ path, message: `a region name must match ${REGION_PATTERN_TEXT}` });
      continue;
    }
    const byCategory = value[region];
    if (!isMapping(byCategory)) {
      issues.push({ path, message: `must be a mapping of category to rules, got ${describe(byCategory)}` });
      continue;
    }
    const rules: Record<string, Partial<Omit<CategoryRules, 'locked'>>> = {};
    for (const name of Object.keys(byCategory).sort()) {
      const at = child(path, name);
      if (categories !== undefined && !categories.includes(name)) {
        issues.push({
          path: at,
          message: `unknown category "${name}" (declared categories: ${categories.join(', ')})`,
        });
        continue;
      }
      const set = byCategory[name];
      if (!isMapping(set)) {
        issues.push({
          path: at,
          message: `must be a mapping with some of ${RULE_KEYS.join(', ')}, got ${describe(set)}`,
        });
        continue;
      }
      rejectUnknownKeys(set, RULE_KEYS, at, issues);
      const partial: { -readonly [K in keyof CategoryRules]?: CategoryRules[K] } = {};
      if (set.onDataDeletion !== undefined)
        partial.onDataDeletion = readDeletionRule(set.onDataDeletion, child(at, 'onDataDeletion'), issues);
      if (set.onSubjectDeletion !== undefined)
        partial.onSubjectDeletion = readDeletionRule(
          set.onSubjectDeletion,
          child(at, 'onSubjectDeletion'),
          issues,
        );
      if (set.onSubscriptionEnd !== undefined)
        partial.onSubscriptionEnd = readSubscriptionRule(
          set.onSubscriptionEnd,
          child(at, 'onSubscriptionEnd'),
          issues,
        );
      if (set.maxAge !== undefined) partial.maxAge = readMaxAge(set.maxAge, child(at, 'maxAge'), issues);
      rules[name] = partial;
    }
    out[region] = rules;
  }
  return issues.length > before ? undefined : out;
}

function readExpedited(value: unknown, path: string, issues: PolicyIssue[]): ExpeditedRule | undefined {
  if (!isMapping(value)) {
    issues.push({ path, message: `must be a mapping { after, deadline }, got ${describe(value)}` });
    return undefined;
  }
  const before = issues.length;
  rejectUnknownKeys(value, ['after', 'deadline'], path, issues);
  const after = readDuration(value, 'after', path, issues);
  const deadline = readDuration(value, 'deadline', path, issues);
  if (issues.length > before || !after || !deadline) return undefined;
  if (deadline.approxMillis < after.approxMillis) {
    issues.push({
      path: child(path, 'deadline'),
      message: `"${deadline.iso}" is earlier than after ("${after.iso}")`,
    });
    return undefined;
  }
  return { after: after.iso, deadline: deadline.iso };
}

function readVersion(value: unknown, issues: PolicyIssue[]): string | undefined {
  if (value === undefined || value === null || value === '') {
    issues.push({ path: 'version', message: 'is required (e.g. version: "2025-01")' });
    return undefined;
  }
  if (typeof value === 'number') {
    issues.push({
      path: 'version',
      message: `must be a string; quote it (version: "${value}") so 1.10 does not become 1.1`,
    });
    return undefined;
  }
  if (typeof value !== 'string' || !VERSION.test(value)) {
    issues.push({
      path: 'version',
      message: `must be 1-64 characters of letters, digits and . _ : + - (starting with a letter or digit), got ${describe(value)}`,
    });
    return undefined;
  }
  return value;
}

function readCategories(value: unknown, issues: PolicyIssue[]): string[] | undefined {
  if (value === undefined) {
    issues.push({
      path: 'categories',
      message: 'is required: the list of data categories (e.g. [personal, audit-log])',
    });
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({
      path: 'categories',
      message: `must be a non-empty list of category names, got ${describe(value)}`,
    });
    return undefined;
  }
  const seen = new Set<string>();
  let ok = true;
  value.forEach((name: unknown, i) => {
    const path = `categories[${i}]`;
    if (typeof name !== 'string' || !CATEGORY.test(name)) {
      issues.push({
        path,
        message: `must be 1-64 characters of letters, digits and . _ -, got ${describe(name)}`,
      });
      ok = false;
    } else if (seen.has(name)) {
      issues.push({ path, message: `category "${name}" is declared twice` });
      ok = false;
    } else {
      seen.add(name);
    }
  });
  return ok ? [...seen].sort() : undefined;
}

function readRules(
  value: unknown,
  categories: readonly string[] | undefined,
  issues: PolicyIssue[],
): Record<string, CategoryRules> | undefined {
  if (!isMapping(value)) {
    issues.push({
      path: 'rules',
      message:
        value === undefined
          ? 'is required: one rule set per category'
          : `must be a mapping of category to rules, got ${describe(value)}`,
    });
    return undefined;
  }
  const rules: Record<string, CategoryRules> = {};
  let ok = categories !== undefined;
  for (const name of Object.keys(value).sort()) {
    const path = child('rules', name);
    if (categories !== undefined && !categories.includes(name)) {
      issues.push({
        path,
        message: `unknown category "${name}" (declared categories: ${categories.join(', ')})`,
      });
      ok = false;
      continue;
    }
    const set = readCategoryRules(value[name], path, issues);
    if (set === undefined) ok = false;
    else rules[name] = set;
  }
  for (const name of categories ?? []) {
    if (!(name in value)) {
      issues.push({
        path: child('rules', name),
        message: `is missing: declared category "${name}" needs its rules`,
      });
      ok = false;
    }
  }
  return ok ? rules : undefined;
}

function readCategoryRules(value: unknown, path: string, issues: PolicyIssue[]): CategoryRules | undefined {
  if (!isMapping(value)) {
    issues.push({
      path,
      message: `must be a mapping with ${CATEGORY_KEYS.join(', ')}, got ${describe(value)}`,
    });
    return undefined;
  }
  const before = issues.length;
  rejectUnknownKeys(value, CATEGORY_KEYS, path, issues);
  const onDataDeletion = readDeletionRule(value.onDataDeletion, child(path, 'onDataDeletion'), issues);
  const onSubjectDeletion = readDeletionRule(
    value.onSubjectDeletion,
    child(path, 'onSubjectDeletion'),
    issues,
  );
  const onSubscriptionEnd = readSubscriptionRule(
    value.onSubscriptionEnd,
    child(path, 'onSubscriptionEnd'),
    issues,
  );
  const maxAge =
    value.maxAge === undefined ? undefined : readMaxAge(value.maxAge, child(path, 'maxAge'), issues);
  if (value.locked !== undefined && value.locked !== true && value.locked !== false)
    issues.push({
      path: child(path, 'locked'),
      message: `must be true or false, got ${describe(value.locked)}`,
    });
  if (issues.length > before || !onDataDeletion || !onSubjectDeletion || !onSubscriptionEnd) return undefined;
  return {
    onDataDeletion,
    onSubjectDeletion,
    onSubscriptionEnd,
    ...(maxAge ? { maxAge } : {}),
    ...(value.locked === true ? { locked: true as const } : {}),
  };
}

/** Reads `action` and checks the keys allowed for it; undefined after reporting a problem. */
function readAction(
  value: unknown,
  path: string,
  purgeKeys: readonly string[],
  issues: PolicyIssue[],
): { action: 'keep' | 'purge'; rule: Mapping } | undefined {
  if (value === undefined) {
    issues.push({ path, message: 'is required (use { action: keep } to keep the data)' });
    return undefined;
  }
  if (!isMapping(value)) {
    issues.push({
      path,
      message: `must be a mapping such as { action: keep } or { action: purge, … }, got ${describe(value)}`,
    });
    return undefined;
  }
  const action = value.action;
  if (action !== 'keep' && action !== 'purge') {
    issues.push({
      path: child(path, 'action'),
      message:
        action === undefined
          ? 'is required: keep or purge'
          : `must be keep or purge, got ${describe(action)}`,
    });
    return undefined;
  }
  rejectUnknownKeys(value, action === 'keep' ? ['action'] : ['action', ...purgeKeys], path, issues);
  return { action, rule: value };
}

function readDuration(
  rule: Mapping,
  key: string,
  path: string,
  issues: PolicyIssue[],
  fallback?: string,
): CompiledDuration | undefined {
  const raw = rule[key] === undefined ? fallback : rule[key];
  if (raw === undefined) {
    issues.push({ path: child(path, key), message: 'is required (an ISO-8601 duration such as "P30D")' });
    return undefined;
  }
  const parsed = parseDuration(raw);
  if (typeof parsed === 'string') {
    issues.push({ path: child(path, key), message: parsed });
    return undefined;
  }
  return parsed;
}

function readDeletionRule(value: unknown, path: string, issues: PolicyIssue[]): DeletionRule | undefined {
  const before = issues.length;
  const read = readAction(value, path, ['after', 'deadline'], issues);
  if (!read) return undefined;
  if (read.action === 'keep') return issues.length > before ? undefined : { action: 'keep' };
  const after = readDuration(read.rule, 'after', path, issues, 'PT0S');
  const deadline = readDuration(read.rule, 'deadline', path, issues);
  if (!after || !deadline || issues.length > before) return undefined;
  if (deadline.approxMillis < after.approxMillis) {
    issues.push({
      path: child(path, 'deadline'),
      message: `"${deadline.iso}" is earlier than after ("${after.iso}"): a purge cannot be due after its deadline`,
    });
    return undefined;
  }
  return { action: 'purge', after: after.iso, deadline: deadline.iso };
}

function readSubscriptionRule(
  value: unknown,
  path: string,
  issues: PolicyIssue[],
): SubscriptionEndRule | undefined {
  const before = issues.length;
  const read = readAction(value, path, ['expired', 'disabled', 'deadline'], issues);
  if (!read) return undefined;
  if (read.action === 'keep') return issues.length > before ? undefined : { action: 'keep' };
  const expired = readDuration(read.rule, 'expired', path, issues);
  const disabled = readDuration(read.rule, 'disabled', path, issues);
  const deadline = readDuration(read.rule, 'deadline', path, issues);
  if (!expired || !disabled || !deadline || issues.length > before) return undefined;
  if (deadline.approxMillis < expired.approxMillis + disabled.approxMillis) {
    issues.push({
      path: child(path, 'deadline'),
      message: `"${deadline.iso}" is earlier than the purge (expired "${expired.iso}" + disabled "${disabled.iso}")`,
    });
    return undefined;
  }
  return { action: 'purge', expired: expired.iso, disabled: disabled.iso, deadline: deadline.iso };
}

function readMaxAge(value: unknown, path: string, issues: PolicyIssue[]): MaxAgeRule | undefined {
  if (!isMapping(value)) {
    issues.push({ path, message: `must be a mapping { age, grace }, got ${describe(value)}` });
    return undefined;
  }
  const before = issues.length;
  rejectUnknownKeys(value, ['age', 'grace'], path, issues);
  const age = readDuration(value, 'age', path, issues);
  const grace = readDuration(value, 'grace', path, issues);
  if (issues.length > before || !age || !grace) return undefined;
  return { age: age.iso, grace: grace.iso };
}
