import { FieldRule, REQUIRED_MESSAGE, stringRule } from './field-rule';
import { checkRfc3339 } from './rfc3339';

/** Contract limits (DESIGN.md "Public contract v1"); ids get a generous bound so a bad producer cannot bloat the ledger. */
export const EVENT_ID_MAX = 128;
export const ID_MAX = 256;
export const NAME_MAX = 128;
export const ERROR_TEXT_MAX = 4096;

/**
 * "Printable": no Unicode control characters (C0, DEL, C1), no bidirectional controls and no lone surrogates.
 * Lone surrogates can arrive through JSON `\ud800` escapes; they cannot be encoded
 * as UTF-8, so they would not survive the ledger's canonical JSON. Lengths count
 * code points, not UTF-16 units.
 */
function printable(name: string, max: number): FieldRule {
  // Bidirectional overrides and isolates too: in an id they make a report show another id ("Trojan Source").
  const pattern = new RegExp(`^[^\\p{Cc}\\p{Cs}\\u202A-\\u202E\\u2066-\\u2069]{1,${max}}$`, 'u');
  const message = `must be 1-${max} printable characters (no control characters)`;
  return stringRule(name, (v) => (pattern.test(v) ? undefined : message));
}

/** Tenant ids and region names are Kafka keys and topic-name parts, hence the narrow alphabet. */
const SAFE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SAFE_NAME_MESSAGE = 'must match [A-Za-z0-9._-]{1,64}';

/**
 * The region patterns, both here so they are defined once:
 * - `REGION_PATTERN`: a region as records and policies name it (the `region` field, a policy's
 *   `regions` keys, a regional store's REGION);
 * - `CONFIGURED_REGION_PATTERN`: a region the ledger runs for (REGIONS), narrower (lower case, up to
 *   32, so every topic name `deletion-commands.<region>` has one spelling). A record naming any other
 *   region is well-formed and rejected by `parseRecord` as an unknown region, which says more than
 *   "malformed" would.
 */
export const REGION_PATTERN = SAFE_NAME;
export const REGION_PATTERN_TEXT = '[A-Za-z0-9._-]{1,64}';
export const CONFIGURED_REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

export const eventIdRule = printable('eventId', EVENT_ID_MAX);
export const idRule = printable('id', ID_MAX);
export const nameRule = printable('name', NAME_MAX);
export const tenantIdRule = stringRule('tenantId', (v) =>
  SAFE_NAME.test(v) ? undefined : SAFE_NAME_MESSAGE,
);
export const regionRule = stringRule('region', (v) => (REGION_PATTERN.test(v) ? undefined : SAFE_NAME_MESSAGE));
export const timestampRule = stringRule('rfc3339', (v) => {
  const parsed = checkRfc3339(v);
  return parsed.ok ? undefined : parsed.problem;
});

export function oneOfRule<T extends string>(name: string, values: readonly T[]): FieldRule {
  const message = `must be one of: ${values.join(', ')}`;
  return stringRule(name, (v) => ((values as readonly string[]).includes(v) ? undefined : message));
}

/** Free text (a regional store's error message): any characters, newlines included, but bounded. */
export const errorTextRule = stringRule('errorText', (v) =>
  v.length <= ERROR_TEXT_MAX ? undefined : `must be at most ${ERROR_TEXT_MAX} characters`,
);

export const countRule: FieldRule = {
  name: 'count',
  check(value) {
    if (value === undefined || value === null) return REQUIRED_MESSAGE;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? undefined
      : 'must be an integer >= 0';
  },
};

/** A yes/no switch (`expedite`). */
export const flagRule: FieldRule = {
  name: 'flag',
  check(value) {
    if (value === undefined || value === null) return REQUIRED_MESSAGE;
    return typeof value === 'boolean' ? undefined : 'must be true or false';
  },
};
