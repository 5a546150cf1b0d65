import { randomBytes } from 'node:crypto';
import { isPseudonym, PSEUDONYM_PATTERN } from '@app/contracts/subject-pseudonym';

export { isPseudonym, PSEUDONYM_PATTERN };

/** RFC 4648 base32 alphabet, lower case: no padding, no look-alikes of mixed case, safe in URLs and file names. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const PREFIX = 'sp_';
const BYTES = 16; // 128 random bits: collisions are out of reach, guessing one is too

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * A fresh pseudonym, `sp_` + 26 base32 characters of 128 random bits. Never derived from
 * the subject id: a derived one (hash, HMAC) would let anyone holding the derivation
 * confirm a guessed id after shredding.
 */
export function newPseudonym(): string {
  return PREFIX + base32(randomBytes(BYTES));
}
