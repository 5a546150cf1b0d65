import { canonicalJson } from '@app/contracts/canonical-json';
import type { Policy } from './policy';

/**
 * The canonical text of a policy, for the caller to hash into PolicyActivated's
 * `contentHash`: RFC 8785 (the ledger's encoder: keys sorted at every level, no
 * whitespace), defaults filled in by validation (`after: "PT0S"`), categories
 * sorted. Two files that say the same thing in a different layout, key order or
 * format (YAML vs JSON) give the same text; any change of meaning gives a
 * different one.
 *
 * Pass a validated policy (`parsePolicy` / `validatePolicy` / `DEFAULT_POLICY`).
 */
export function canonicalPolicyJson(policy: Policy): string {
  return canonicalJson(policy);
}
