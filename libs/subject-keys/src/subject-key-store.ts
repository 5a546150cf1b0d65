/**
 * The subject key store: a (tenant, subject) pair's pseudonym and data key, kept apart
 * from the ledger so that destroying them (crypto-shredding) makes the subject part of
 * every ledger entry unreadable while the hash chain, which carries only the pseudonym
 * and the ciphertext's digest, still verifies. See docs/subject-data.md.
 */
export interface SubjectKeyStore {
  /**
   * The subject's pseudonym, created with a fresh random data key on first use.
   * A subject whose mapping was shredded is unknown to the store: asking again gives a new
   * pseudonym (the store cannot tell it ever existed — that is the point of shredding).
   */
  pseudonymFor(tenantId: string, subjectId: string, now: Date): Promise<PseudonymGrant>;
  /** `pseudonymFor` for a batch, in one transaction (ingest appends in batches: one fsync, not one per subject). */
  pseudonymsFor(subjects: readonly SubjectRef[], now: Date): Promise<PseudonymGrant[]>;
  /**
   * What ingest needs per batch: get-or-create every subject's pseudonym and encrypt its part,
   * with one key store round trip for the whole batch (not one per entry).
   */
  sealBatch(parts: readonly SubjectPlaintext[], now: Date): Promise<SealedSubjectPart[]>;
  /** The subject's pseudonym if the store holds one, without creating it (`subjects show|shred`). */
  findPseudonym(tenantId: string, subjectId: string): Promise<string | undefined>;
  /** Who a pseudonym stands for, or that it was shredded (and when), or that the store never issued it. */
  lookup(tenantId: string, pseudonym: string): Promise<SubjectLookup>;
  /** Encrypts a subject part under the subject's key, bound to tenant and pseudonym (AAD). */
  encrypt(tenantId: string, pseudonym: string, plaintext: string): Promise<string>;
  /**
   * Decrypts what `encrypt` gave for this tenant and pseudonym.
   * Throws `SubjectShreddedError`, `UnknownPseudonymError` or `SubjectCiphertextError`.
   */
  decrypt(tenantId: string, pseudonym: string, ciphertext: string): Promise<string>;
  /** Destroys the key and the id↔pseudonym mapping, keeps a tombstone; one storage clean-up for the whole batch. */
  shred(tenantId: string, pseudonyms: readonly string[], now: Date): Promise<ShredOutcome[]>;
  close(): Promise<void>;
}

export interface SubjectRef {
  tenantId: string;
  subjectId: string;
}

export interface SubjectPlaintext extends SubjectRef {
  /** The subject part to store, e.g. canonical `{"subjectId":…}`. */
  plaintext: string;
}

export interface SealedSubjectPart extends PseudonymGrant {
  ciphertext: string;
}

export interface PseudonymGrant {
  pseudonym: string;
  /** True when this call created the pseudonym and key. */
  created: boolean;
}

export type SubjectLookup =
  | { state: 'active'; pseudonym: string; subjectId: string; createdAt: string }
  | { state: 'shredded'; pseudonym: string; shreddedAt: string }
  | { state: 'unknown'; pseudonym: string };

export type ShredOutcome =
  | { pseudonym: string; status: 'shredded'; shreddedAt: string }
  | { pseudonym: string; status: 'already-shredded'; shreddedAt: string }
  | { pseudonym: string; status: 'unknown' };

/** What a shred leaves: no personal data, only that the pseudonym existed and when its key was destroyed. */
export interface Tombstone {
  pseudonym: string;
  shreddedAt: string;
}
