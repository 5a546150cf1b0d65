import { randomBytes } from 'node:crypto';
import type { SubjectPart } from '@app/contracts/entry-types';
import { canonicalSubject } from './canonical';
import { sha256Hex } from './sha256';

/**
 * The subject part as stored: the personal data plus the salt of its digest,
 * kept together as one canonical JSON text (`subject_json`). It lives outside
 * the hashed envelope, so it can later be encrypted with a per-subject key and
 * the key shredded; the chain keeps only the digest.
 */
export interface StoredSubject extends SubjectPart {
  /** 16 random bytes, hex: stops anyone confirming a guessed subjectId against the digest. */
  salt: string;
}

/** `sha256_hex(canonical({salt, subjectId}))`. */
export function subjectDigest(salt: string, subjectId: string): string {
  return sha256Hex(canonicalSubject(salt, subjectId));
}

/** The digest of a stored subject part, hashed as stored: a non-canonical rewrite of it counts as tampering. */
export function storedSubjectDigest(subjectJson: string): string {
  return sha256Hex(subjectJson);
}

/** Reads a stored subject part back; throws on anything that is not one. */
export function parseStoredSubject(subjectJson: string): StoredSubject {
  const parsed = JSON.parse(subjectJson) as Partial<StoredSubject> | null;
  if (typeof parsed?.subjectId !== 'string' || typeof parsed.salt !== 'string') {
    throw new Error('stored subject part is not {salt, subjectId}');
  }
  return { subjectId: parsed.subjectId, salt: parsed.salt };
}

const SALT_BYTES = 16;

/** Salts for `count` entries from one random draw (one syscall per batch instead of per entry). */
export function newSalts(count: number): string[] {
  if (count === 0) return [];
  const hex = randomBytes(SALT_BYTES * count).toString('hex');
  const salts = new Array<string>(count);
  for (let i = 0; i < count; i++) salts[i] = hex.slice(i * SALT_BYTES * 2, (i + 1) * SALT_BYTES * 2);
  return salts;
}
