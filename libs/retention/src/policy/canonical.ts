import type { Policy } from './policy';

/**
 * The canonical text of a policy, for the caller to hash into PolicyActivated's
 * `contentHash`: JSON with keys sorted at every level, no whitespace, defaults
 * filled in by validation (`after: "PT0S"`), categories sorted. Two files that say
 * the same thing in a different layout, key order or format (YAML vs JSON) give
 * the same text; any change of meaning gives a different one.
 *
 * Pass a validated policy (`parsePolicy` / `validatePolicy` / `DEFAULT_POLICY`).
 */
export function canonicalPolicyJson(policy: Policy): string {
  return canonicalJson(policy);
}

/** Sorted-key JSON of plain data (objects, arrays, strings, finite numbers, booleans, null). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
}
