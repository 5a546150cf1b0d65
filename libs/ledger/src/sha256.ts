import * as crypto from 'node:crypto';

/**
 * SHA-256 as lowercase hex. `crypto.hash` (Node ≥ 20.12) is a one-shot call that
 * skips the Hash object, which matters when we hash twice per entry at 300k/s;
 * older Node falls back to `createHash`.
 */
export const sha256Hex: (input: string) => string =
  typeof crypto.hash === 'function'
    ? (input) => crypto.hash('sha256', input, 'hex')
    : (input) => crypto.createHash('sha256').update(input, 'utf8').digest('hex');
