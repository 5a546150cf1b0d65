/**
 * SHA-256 (FIPS 180-4) in plain TypeScript.
 *
 * The domain may not import `node:crypto` (it stays runnable anywhere and free of
 * IO modules), yet obligation ids must be stable, short and collision-resistant
 * even though their inputs (event ids, data ids) are chosen by producers. A
 * cryptographic hash gives that; this one is small, allocation-light and checked
 * against the NIST test vectors in `sha256.spec.ts`.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const W = new Int32Array(64);
const H = new Int32Array(8);
let buffer = new Uint8Array(256);

/** UTF-8 encodes `text` into the shared buffer (growing it), returns the byte length. */
function encodeUtf8(text: string): number {
  // Worst case 3 bytes per UTF-16 unit, plus room for padding (64 + 8).
  const needed = text.length * 3 + 72;
  if (buffer.length < needed) buffer = new Uint8Array(Math.max(needed, buffer.length * 2));
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      buffer[n++] = c;
    } else if (c < 0x800) {
      buffer[n++] = 0xc0 | (c >> 6);
      buffer[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        buffer[n++] = 0xf0 | (c >> 18);
        buffer[n++] = 0x80 | ((c >> 12) & 0x3f);
        buffer[n++] = 0x80 | ((c >> 6) & 0x3f);
        buffer[n++] = 0x80 | (c & 0x3f);
      } else {
        n = encodeReplacement(n);
      }
    } else if (c >= 0xd800 && c < 0xe000) {
      n = encodeReplacement(n); // lone surrogate: U+FFFD, as TextEncoder does
    } else {
      buffer[n++] = 0xe0 | (c >> 12);
      buffer[n++] = 0x80 | ((c >> 6) & 0x3f);
      buffer[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

function encodeReplacement(n: number): number {
  buffer[n] = 0xef;
  buffer[n + 1] = 0xbf;
  buffer[n + 2] = 0xbd;
  return n + 3;
}

function compress(block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const j = offset + t * 4;
    W[t] = (block[j] << 24) | (block[j + 1] << 16) | (block[j + 2] << 8) | block[j + 3];
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15];
    const w2 = W[t - 2];
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
  }
  let a = H[0];
  let b = H[1];
  let c = H[2];
  let d = H[3];
  let e = H[4];
  let f = H[5];
  let g = H[6];
  let h = H[7];
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0] + a) | 0;
  H[1] = (H[1] + b) | 0;
  H[2] = (H[2] + c) | 0;
  H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0;
  H[5] = (H[5] + f) | 0;
  H[6] = (H[6] + g) | 0;
  H[7] = (H[7] + h) | 0;
}

const HEX_DIGITS = '0123456789abcdef';
const hexCodes: number[] = new Array<number>(64).fill(0);

/**
 * The SHA-256 digest of the UTF-8 encoding of `text`, as lowercase hex,
 * truncated to `hexChars` characters (64 = the whole digest).
 */
export function sha256Hex(text: string, hexChars = 64): string {
  const length = encodeUtf8(text);
  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
  const padded = (((length + 8) >> 6) + 1) << 6;
  buffer[length] = 0x80;
  buffer.fill(0, length + 1, padded);
  const bits = length * 8;
  buffer[padded - 5] = (bits / 0x100000000) >>> 0; // lengths stay far below 2^40 bits
  buffer[padded - 4] = bits >>> 24;
  buffer[padded - 3] = (bits >>> 16) & 0xff;
  buffer[padded - 2] = (bits >>> 8) & 0xff;
  buffer[padded - 1] = bits & 0xff;
  H[0] = 0x6a09e667;
  H[1] = 0xbb67ae85;
  H[2] = 0x3c6ef372;
  H[3] = 0xa54ff53a;
  H[4] = 0x510e527f;
  H[5] = 0x9b05688c;
  H[6] = 0x1f83d9ab;
  H[7] = 0x5be0cd19;
  for (let offset = 0; offset < padded; offset += 64) compress(buffer, offset);
  const count = Math.min(64, Math.max(0, hexChars));
  for (let i = 0; i < count; i++) {
    const word = H[i >> 3];
    hexCodes[i] = HEX_DIGITS.charCodeAt((word >>> (28 - (i & 7) * 4)) & 0xf);
  }
  // One flat string (not a rope of pieces): ids are kept as map keys.
  return String.fromCharCode.apply(null, count === 64 ? hexCodes : hexCodes.slice(0, count));
}
