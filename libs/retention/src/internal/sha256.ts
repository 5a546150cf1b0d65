import { sha256 } from '@noble/hashes/sha2';

/**
 * SHA-256 for the domain, from `@noble/hashes` (pure JavaScript, audited).
 *
 * The domain may not import `node:crypto` (it stays runnable anywhere and free of
 * IO modules), yet obligation ids must be stable, short and collision-resistant
 * even though their inputs (event ids, data ids) are chosen by producers. The
 * package stays at major 1: version 2 is ESM-only, which this CommonJS build (and
 * jest) cannot load on every Node 20.
 *
 * Derivation hashes once per data item, so the calls reuse one hasher and one
 * buffer (`_cloneInto` resets the hasher to the pristine state, as the package's
 * HMAC does): a fresh hasher and byte array per call made each hash ~2.5x slower.
 */
const pristine = sha256.create();
const hasher = sha256.create();
const digest = new Uint8Array(32);
const encoder = new TextEncoder();
let bytes = new Uint8Array(256);
const HEX = '0123456789abcdef';
const hexCodes: number[] = new Array<number>(64).fill(0);

/**
 * The SHA-256 digest of the UTF-8 encoding of `text` (lone surrogates as U+FFFD,
 * as TextEncoder does), as lowercase hex, truncated to `hexChars` characters
 * (64 = the whole digest).
 */
export function sha256Hex(text: string, hexChars = 64): string {
  if (bytes.length < text.length * 3) bytes = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, bytes);
  pristine._cloneInto(hasher).update(bytes.subarray(0, written)).digestInto(digest);
  const count = Math.min(64, Math.max(0, hexChars));
  for (let i = 0; i < count; i++) hexCodes[i] = HEX.charCodeAt((digest[i >> 1] >> (i & 1 ? 0 : 4)) & 0xf);
  // One flat string (`bytesToHex` builds a rope of pieces): ids are kept as map keys.
  return String.fromCharCode.apply(null, count === 64 ? hexCodes : hexCodes.slice(0, count));
}
