import { parseDuration } from './duration';
import type { PolicyIssue } from './parse-policy';
import type { CategoryRules, Policy } from './policy';

/**
 * The preservation lock (after Purview's Preservation Lock): a category marked
 * `locked: true` may be lengthened — its data kept longer — but never shortened,
 * unlocked or removed, in the base rules or in any region's rules. Returns the
 * problems of activating `candidate` after `current` (empty: allowed), each naming
 * the category.
 *
 * What "shorter" means: the data would be purged sooner. Each retention span — the
 * delay before a deletion's purge (`after`), the passive stages of a subscription end
 * (`expired` + `disabled`), the maximum age (`age`) — must not shrink; `keep` may not
 * become `purge`, and a maximum age may not appear where there was none. Deadlines are
 * promises of purging, not of keeping, so they may move either way.
 */
export function checkPolicyChange(current: Policy, candidate: Policy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const regions = new Set([...Object.keys(current.regions ?? {}), ...Object.keys(candidate.regions ?? {})]);
  for (const category of current.categories) {
    if (current.rules[category]?.locked !== true) continue;
    const path = `rules.${category}`;
    const next = candidate.rules[category];
    if (!next) {
      issues.push({ path, message: `category "${category}" is locked: it cannot be removed` });
      continue;
    }
    if (next.locked !== true)
      issues.push({
        path: `${path}.locked`,
        message: `category "${category}" is locked: it cannot be unlocked`,
      });
    for (const where of [null, ...[...regions].sort()]) {
      const before = effective(current, category, where);
      const after = effective(candidate, category, where);
      for (const problem of shortenings(before, after)) {
        issues.push({
          path: where === null ? path : `regions.${where}.${category}`,
          message: `category "${category}" is locked: ${problem}${where === null ? '' : ` in region ${where}`} (it may be lengthened, never shortened)`,
        });
      }
    }
  }
  return issues;
}

function effective(policy: Policy, category: string, region: string | null): CategoryRules {
  const base = policy.rules[category];
  const override = region === null ? undefined : policy.regions?.[region]?.[category];
  return override ? { ...base, ...override } : base;
}

function ms(iso: string): number {
  const parsed = parseDuration(iso);
  return typeof parsed === 'string' ? NaN : parsed.approxMillis;
}

/** How `after` keeps data for less time than `before`, in words. */
function shortenings(before: CategoryRules, after: CategoryRules): string[] {
  const out: string[] = [];
  for (const key of ['onDataDeletion', 'onSubjectDeletion'] as const) {
    const b = before[key];
    const a = after[key];
    if (b.action === 'keep' && a.action === 'purge') out.push(`${key} would purge data it keeps`);
    else if (b.action === 'purge' && a.action === 'purge' && ms(a.after) < ms(b.after))
      out.push(`${key}.after would shorten from ${b.after} to ${a.after}`);
  }
  const b = before.onSubscriptionEnd;
  const a = after.onSubscriptionEnd;
  if (b.action === 'keep' && a.action === 'purge') out.push('onSubscriptionEnd would purge data it keeps');
  else if (
    b.action === 'purge' &&
    a.action === 'purge' &&
    ms(a.expired) + ms(a.disabled) < ms(b.expired) + ms(b.disabled)
  )
    out.push(
      `onSubscriptionEnd would purge after ${a.expired} + ${a.disabled} instead of ${b.expired} + ${b.disabled}`,
    );
  if (!before.maxAge && after.maxAge) out.push(`maxAge ${after.maxAge.age} would purge data it keeps`);
  else if (before.maxAge && after.maxAge && ms(after.maxAge.age) < ms(before.maxAge.age))
    out.push(`maxAge.age would shorten from ${before.maxAge.age} to ${after.maxAge.age}`);
  return out;
}
