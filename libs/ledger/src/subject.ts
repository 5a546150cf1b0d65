import { randomBytes } from 'node:crypto';
import {
  isSealed,
  type PlainSubject,
  type SealedSubject,
  type SubjectPart,
} from '@app/contracts/entry-types';
import { canonicalSealedSubject, canonicalSubject } from './canonical';
import { sha256Hex } from './sha256';

/**
 * The subject part as stored, one canonical JSON text (`subject_json`) outside the
 * hashed envelope; the chain keeps only its digest. Plain: the id with the salt of its
 * digest. Sealed: the pseudonym and the ciphertext (random nonce, so no salt) — the
 * digest then covers the pseudonym the fold links by, and confirms no guessed id.
 */
export type StoredSubject = StoredPlainSubject | SealedSubject;

export interface StoredPlainSubject extends PlainSubject {
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

type StoredFields = Partial<Record<'salt' | 'subjectId' | 'pseudonym' | 'ciphertext', unknown>>;

/** Reads a stored subject part back; throws on anything that is not one. */
export function parseStoredSubject(subjectJson: string): StoredSubject {
  const parsed = JSON.parse(subjectJson) as StoredFields | null;
  if (typeof parsed?.pseudonym === 'string' && typeof parsed.ciphertext === 'string') {
    return { pseudonym: parsed.pseudonym, ciphertext: parsed.ciphertext };
  }
  if (typeof parsed?.subjectId !== 'string' || typeof parsed.salt !== 'string') {
    throw new Error('stored subject part is neither {salt, subjectId} nor {ciphertext, pseudonym}');
  }
  return { subjectId: parsed.subjectId, salt: parsed.salt };
}

/** What readers get of a stored subject part: the salt stays inside the ledger. */
export function subjectPartOf(subjectJson: string): SubjectPart {
  return publicSubject(parseStoredSubject(subjectJson));
}

/** A subject part without anything the ledger keeps to itself (a copy: callers may hold the input). */
export function publicSubject(subject: SubjectPart): SubjectPart {
  return isSealed(subject)
    ? { pseudonym: subject.pseudonym, ciphertext: subject.ciphertext }
    : { subjectId: subject.subjectId };
}

/** The stored text of a subject part: sealed as given, plain with a fresh salt. */
export function storedSubjectJson(subject: SubjectPart, salt: () => string): string {
  return canonicalStoredSubject(isSealed(subject) ? subject : { subjectId: subject.subjectId, salt: salt() });
}

/** RFC 8785 form of a stored subject part, either form. */
export function canonicalStoredSubject(stored: StoredSubject): string {
  return isSealed(stored)
    ? canonicalSealedSubject(stored.pseudonym, stored.ciphertext)
    : canonicalSubject(stored.salt, stored.subjectId);
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
