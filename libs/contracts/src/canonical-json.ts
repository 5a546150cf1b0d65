/**
 * RFC 8785 (JSON Canonicalization Scheme) encoding.
 *
 * The hash chain must be reproducible by anyone, in any language, from the
 * stored facts alone, so the hashed bytes are JCS: object keys sorted by UTF-16
 * code units, ECMAScript number formatting, minimal string escaping. That is
 * exactly what `JSON.stringify` does for strings and finite numbers, so only the
 * key order and the rejection of non-JSON values are ours. The ledger's
 * `canonical.spec.ts` proves this encoder equals the `canonicalize` package on
 * random values; `canonical-json-rfc8785.spec.ts` runs the RFC's test vectors.
 *
 * The one encoder of the system: the ledger hashes entries with it and the
 * domain hashes policies with it (`canonicalPolicyJson`), so it lives here, below
 * both (the domain may import only contracts).
 *
 * We write our own instead of calling `canonicalize` because (a) it is on the
 * append and verify hot paths and (b) the package is ESM-only, which a CommonJS
 * build cannot `require`.
 */

/** A value that cannot be encoded canonically (NaN, Infinity, lone surrogates, bigint, functions, cycles). */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

// A UTF-16 surrogate without its partner cannot be encoded as UTF-8, so stores
// would silently replace it and the hash would no longer match: refuse it up front.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (ES2024, Node ≥ 20): about twice as fast as the regex. */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

const isWellFormed: (s: string) => boolean =
  typeof nativeIsWellFormed === 'function'
    ? (s) => nativeIsWellFormed.call(s)
    : (s) => !LONE_SURROGATE.test(s);

/** Throws unless `s` is well-formed UTF-16 (encodable as UTF-8). */
export function assertWellFormed(s: string, what: string): void {
  if (!isWellFormed(s)) throw new CanonicalJsonError(`${what}: lone surrogate is not allowed`);
}

// Everything JSON.stringify escapes in a string (quote, backslash, C0 controls,
// lone surrogates — any surrogate, to keep the test simple). Without these, the
// encoding is the string between quotes.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be found
const NEEDS_ESCAPE = /["\\\u0000-\u001F\uD800-\uDFFF]/;

/**
 * `JSON.stringify(s)` for a string, faster: most strings on the hot path (ids,
 * timestamps, hex hashes) need no escaping, and one regex test plus a
 * concatenation beats the stringifier's generic entry (measured ~30% less per
 * canonical entry). Does not check well-formedness.
 */
export function quoteJson(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** The canonical encoding of a string (checks well-formedness). */
export function canonicalString(s: string): string {
  // No surrogate at all means well-formed, and then no escaping either.
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  assertWellFormed(s, 'string');
  return JSON.stringify(s);
}

/** The canonical encoding of any JSON-compatible value. */
export function canonicalJson(value: unknown): string {
  return encode(value, []);
}

function encode(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} is not allowed`);
      // ECMAScript Number::toString is the RFC 8785 number format (and -0 → "0").
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`a ${typeof value} is not a JSON value`);
  }
  if (value === null) return 'null';
  if (ancestors.includes(value)) throw new CanonicalJsonError('circular reference');
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    ancestors.push(value);
    const out = encode((withToJson.toJSON as () => unknown).call(value), ancestors);
    ancestors.pop();
    return out;
  }
  ancestors.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // As JSON.stringify: holes/undefined/symbols in arrays become null.
      out +=
        (i === 0 ? '' : ',') +
        (item === undefined || typeof item === 'symbol' ? 'null' : encode(item, ancestors));
    }
    out += ']';
  } else {
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is what RFC 8785 prescribes.
    const keys = Object.keys(record).sort();
    out = '{';
    let first = true;
    for (const key of keys) {
      const item = record[key];
      // As JSON.stringify: undefined and symbol members are omitted.
      if (item === undefined || typeof item === 'symbol') continue;
      out += (first ? '' : ',') + canonicalString(key) + ':' + encode(item, ancestors);
      first = false;
    }
    out += '}';
  }
  ancestors.pop();
  return out;
}
