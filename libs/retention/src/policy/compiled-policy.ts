import { addDuration, parseDuration, type CompiledDuration } from './duration';
import {
  DEFAULT_EXPEDITED,
  type CategoryRules,
  type DeletionRule,
  type Policy,
  type RegionRules,
} from './policy';

/**
 * A policy with its durations parsed once, for the fold. Internal: callers work
 * with `Policy`.
 */
/** The rules of one jurisdiction: the base rules, or a region's (the base with its overrides). */
export interface CompiledRules {
  readonly categories: ReadonlyMap<string, CompiledCategory>;
  /** Categories purged on subject deletion, sorted (the `categories` of a subject target). */
  readonly subjectPurgeCategories: readonly string[];
  /** Categories purged at subscription end, sorted (the `categories` of a tenant target). */
  readonly subscriptionPurgeCategories: readonly string[];
  /** The region whose overrides these are; null for the base rules. */
  readonly region: string | null;
  /** Categories the region overrides (empty for the base rules). */
  readonly overridden: ReadonlySet<string>;
}

export interface CompiledPolicy extends CompiledRules {
  readonly version: string;
  readonly expedited: CompiledDeletion;
  /** `ledger.shredSubjectsAfter`, or null when the policy shreds only on demand. */
  readonly shredSubjectsAfter: CompiledDuration | null;
  /** Per region with overrides: its rules. */
  readonly regions: ReadonlyMap<string, CompiledRules>;
}

/** The rules in force in a region: its own where the policy has some, else the base rules. */
export function rulesIn(policy: CompiledPolicy, region: string): CompiledRules {
  return policy.regions.size === 0 ? policy : (policy.regions.get(region) ?? policy);
}

/** The jurisdiction recorded on an obligation: the region, when one of its overrides applied to the category. */
export function jurisdictionOf(rules: CompiledRules, category: string): string | null {
  return rules.region !== null && rules.overridden.has(category) ? rules.region : null;
}

export interface CompiledDeletion {
  readonly after: CompiledDuration;
  readonly deadline: CompiledDuration;
}

export interface CompiledSubscriptionEnd {
  readonly expired: CompiledDuration;
  readonly disabled: CompiledDuration;
  readonly deadline: CompiledDuration;
}

export interface CompiledCategory {
  /** null: keep. */
  readonly onDataDeletion: CompiledDeletion | null;
  readonly onSubjectDeletion: CompiledDeletion | null;
  readonly onSubscriptionEnd: CompiledSubscriptionEnd | null;
  readonly maxAge: { readonly age: CompiledDuration; readonly grace: CompiledDuration } | null;
}

function duration(iso: string): CompiledDuration {
  const parsed = parseDuration(iso);
  // Policies reach here validated; a bad duration is a programming error.
  if (typeof parsed === 'string') throw new Error(`compilePolicy: ${parsed}`);
  return parsed;
}

function deletion(rule: DeletionRule): CompiledDeletion | null {
  return rule.action === 'keep' ? null : { after: duration(rule.after), deadline: duration(rule.deadline) };
}

const compiledCache = new WeakMap<Policy, CompiledPolicy>();

function compileCategory(rules: Omit<CategoryRules, 'locked'>): CompiledCategory {
  const end = rules.onSubscriptionEnd;
  return {
    onDataDeletion: deletion(rules.onDataDeletion),
    onSubjectDeletion: deletion(rules.onSubjectDeletion),
    onSubscriptionEnd:
      end.action === 'keep'
        ? null
        : {
            expired: duration(end.expired),
            disabled: duration(end.disabled),
            deadline: duration(end.deadline),
          },
    maxAge: rules.maxAge ? { age: duration(rules.maxAge.age), grace: duration(rules.maxAge.grace) } : null,
  };
}

function compileRules(
  policy: Policy,
  region: string | null,
  overrides: RegionRules | undefined,
): CompiledRules {
  const categories = new Map<string, CompiledCategory>();
  const overridden = new Set<string>();
  for (const name of policy.categories) {
    const override = overrides?.[name];
    if (override && Object.keys(override).length > 0) overridden.add(name);
    categories.set(name, compileCategory({ ...policy.rules[name], ...(override ?? {}) }));
  }
  const names = [...categories.keys()].sort();
  return {
    categories,
    subjectPurgeCategories: names.filter((n) => categories.get(n)?.onSubjectDeletion),
    subscriptionPurgeCategories: names.filter((n) => categories.get(n)?.onSubscriptionEnd),
    region,
    overridden,
  };
}

/** Compiles a validated policy; memoised per policy object. */
export function compilePolicy(policy: Policy, version: string = policy.version): CompiledPolicy {
  const cached = compiledCache.get(policy);
  if (cached && cached.version === version) return cached;
  const regions = new Map<string, CompiledRules>();
  for (const [region, overrides] of Object.entries(policy.regions ?? {}))
    regions.set(region, compileRules(policy, region, overrides));
  const expedited = policy.expedited ?? DEFAULT_EXPEDITED;
  const compiled: CompiledPolicy = {
    ...compileRules(policy, null, undefined),
    version,
    expedited: { after: duration(expedited.after), deadline: duration(expedited.deadline) },
    shredSubjectsAfter: policy.ledger ? duration(policy.ledger.shredSubjectsAfter) : null,
    regions,
  };
  compiledCache.set(policy, compiled);
  return compiled;
}

/** When a passive purge becomes due: end + expired + disabled, in UTC. */
export function subscriptionDueAt(endMillis: number, rule: CompiledSubscriptionEnd): number {
  return addDuration(addDuration(endMillis, rule.expired), rule.disabled);
}
