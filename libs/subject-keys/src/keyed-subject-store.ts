import type {
  PseudonymGrant,
  SealedSubjectPart,
  SubjectPlaintext,
  ShredOutcome,
  SubjectKeyStore,
  SubjectLookup,
  SubjectRef,
} from './subject-key-store';
import { SubjectShreddedError, UnknownPseudonymError } from './subject-key-errors';
import { decryptSubjectPart, encryptSubjectPart } from './subject-cipher';

export interface KeyedGrant extends PseudonymGrant {
  key: Buffer;
}

/** What an adapter holds for a pseudonym: its key, its tombstone, or nothing. */
export type KeyState =
  { state: 'active'; key: Buffer } | { state: 'shredded'; shreddedAt: string } | { state: 'unknown' };

export function checkRefs(subjects: readonly SubjectRef[]): void {
  for (const s of subjects) {
    checkId('tenantId', s.tenantId);
    checkId('subjectId', s.subjectId);
  }
}

/** Ids are used as AAD parts separated by NUL, so they must be non-empty and NUL-free. */
export function checkId(name: 'tenantId' | 'subjectId', value: string): void {
  if (typeof value !== 'string' || value === '' || value.includes('\0')) {
    // Names the field, never the value: a subject id is personal data.
    throw new TypeError(`${name} must be a non-empty string without NUL characters`);
  }
}

/**
 * The part every adapter shares: encryption and decryption over the adapter's key lookup,
 * with the typed refusals. Adapters implement storage only.
 */
export abstract class KeyedSubjectStore implements SubjectKeyStore {
  protected abstract keyState(tenantId: string, pseudonym: string): Promise<KeyState>;
  /** Get-or-create in one transaction, with each subject's key: what pseudonymsFor and sealBatch share. */
  protected abstract grantKeys(subjects: readonly SubjectRef[], now: Date): Promise<KeyedGrant[]>;
  abstract findPseudonym(tenantId: string, subjectId: string): Promise<string | undefined>;
  abstract lookup(tenantId: string, pseudonym: string): Promise<SubjectLookup>;
  abstract shred(tenantId: string, pseudonyms: readonly string[], now: Date): Promise<ShredOutcome[]>;
  abstract close(): Promise<void>;

  async pseudonymsFor(subjects: readonly SubjectRef[], now: Date): Promise<PseudonymGrant[]> {
    return (await this.grantKeys(subjects, now)).map(({ pseudonym, created }) => ({ pseudonym, created }));
  }

  async sealBatch(parts: readonly SubjectPlaintext[], now: Date): Promise<SealedSubjectPart[]> {
    const grants = await this.grantKeys(parts, now);
    return parts.map((p, i) => {
      const { pseudonym, created, key } = grants[i] as KeyedGrant;
      return { pseudonym, created, ciphertext: encryptSubjectPart(key, p.tenantId, pseudonym, p.plaintext) };
    });
  }

  async pseudonymFor(tenantId: string, subjectId: string, now: Date): Promise<PseudonymGrant> {
    const [grant] = await this.pseudonymsFor([{ tenantId, subjectId }], now);
    if (!grant) throw new Error('pseudonymsFor returned no grant');
    return grant;
  }

  async encrypt(tenantId: string, pseudonym: string, plaintext: string): Promise<string> {
    return encryptSubjectPart(await this.activeKey(tenantId, pseudonym), tenantId, pseudonym, plaintext);
  }

  async decrypt(tenantId: string, pseudonym: string, ciphertext: string): Promise<string> {
    return decryptSubjectPart(await this.activeKey(tenantId, pseudonym), tenantId, pseudonym, ciphertext);
  }

  private async activeKey(tenantId: string, pseudonym: string): Promise<Buffer> {
    checkId('tenantId', tenantId);
    const s = await this.keyState(tenantId, pseudonym);
    if (s.state === 'shredded') throw new SubjectShreddedError(pseudonym, s.shreddedAt);
    if (s.state === 'unknown') throw new UnknownPseudonymError(pseudonym);
    return s.key;
  }
}
