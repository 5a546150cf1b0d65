import { addDuration, parseDuration, type CompiledDuration } from './duration';
import type { DeletionRule, Policy } from './policy';

/**
 * A policy with its durations parsed once, for the fold. Internal: callers work
 * with `Policy`.
 */
export interface CompiledPolicy {
  readonly version: string;
  readonly categories: ReadonlyMap<string, CompiledCategory>;
  /** Categories purged on subject deletion, sorted (the `categories` of a subject target). */
  readonly subjectPurgeCategories: readonly string[];
  /** Categories purged at subscription end, sorted (the `categories` of a tenant target). */
  readonly subscriptionPurgeCategories: readonly string[];
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

/** Compiles a validated policy; memoised per policy object. */
export function compilePolicy(policy: Policy, version: string = policy.version): CompiledPolicy {
  const cached = compiledCache.get(policy);
  if (cached && cached.version === version) return cached;
  const categories = new Map<string, CompiledCategory>();
  for (const name of policy.categories) {
    const rules = policy.rules[name];
    const end = rules.onSubscriptionEnd;
    categories.set(name, {
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
    });
  }
  const names = [...categories.keys()].sort();
  const compiled: CompiledPolicy = {
    version,
    categories,
    subjectPurgeCategories: names.filter((n) => categories.get(n)?.onSubjectDeletion),
    subscriptionPurgeCategories: names.filter((n) => categories.get(n)?.onSubscriptionEnd),
  };
  compiledCache.set(policy, compiled);
  return compiled;
}

/** When a passive purge becomes due: end + expired + disabled, in UTC. */
export function subscriptionDueAt(endMillis: number, rule: CompiledSubscriptionEnd): number {
  return addDuration(addDuration(endMillis, rule.expired), rule.disabled);
}
