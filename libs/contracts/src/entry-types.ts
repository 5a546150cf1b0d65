/**
 * The facts the ledger stores. Lifecycle facts come from producers' topics; the
 * Deletion* facts from the dispatcher and the regional stores' receipts;
 * PolicyActivated from the policy loader.
 */
export const ENTRY_TYPES = [
  'DataCreated',
  'DataDeleted',
  'UserDeleted',
  'SubscriptionEnded',
  'SubscriptionReactivated',
  'LegalHoldPlaced',
  'LegalHoldReleased',
  'DeletionCommandIssued',
  'DeletionConfirmed',
  'DeletionFailed',
  'PolicyActivated',
  'DataRestored',
  'UserRestored',
  'ObligationRetried',
  'ObligationResolved',
  'ObligationExtended',
  'SubjectShredded',
  'LedgerMigrated',
] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export type DeletedBy = 'user' | 'admin';

/** How an operator closed an obligation the system could not (`obligations resolve --status`). */
export const RESOLUTIONS = ['done-manually', 'waived'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Who did it and why: every operator fact carries both (the API key id, or the CLI's `--actor`). */
export interface OperatorPart {
  actor: string;
  reason: string;
}

/** Optional context of a legal-hold event, shown in reports. */
export interface HoldContext {
  reason?: string;
  caseRef?: string;
  placedBy?: string;
}

/** What each entry type carries besides its envelope. No personal data here: see `SubjectPart`. */
export interface EntryDataByType {
  DataCreated: { dataId: string; category: string; region: string; store: string };
  DataDeleted: { dataId: string; deletedBy: DeletedBy };
  UserDeleted: { deletedBy: DeletedBy };
  /** `expedite`: an expedited tenant deletion, purged after a short delay, overriding holds. */
  SubscriptionEnded: { expedite?: true };
  SubscriptionReactivated: Record<string, never>;
  /** Scope: the tenant, narrowed by the subject (subject part), `dataId` and/or `category` when given. */
  LegalHoldPlaced: { holdId: string; dataId?: string; category?: string } & HoldContext;
  LegalHoldReleased: { holdId: string } & HoldContext;
  /** The data item came back (a recycle bin's restore): cancels its pending data-deleted purge. */
  DataRestored: { dataId: string };
  /** The user came back: cancels the pending purge of the user's deletion (subject part names the user). */
  UserRestored: Record<string, never>;
  /** An operator asks for another attempt at a failed obligation. */
  ObligationRetried: { obligationId: string } & OperatorPart;
  /** An operator closes an obligation by hand or waives it; never "met by the system". */
  ObligationResolved: { obligationId: string; resolution: Resolution } & OperatorPart;
  /** An operator moves an obligation's deadline to `until` (RFC 3339 UTC); the original stays on record. */
  ObligationExtended: { obligationId: string; until: string } & OperatorPart;
  DeletionCommandIssued: {
    commandId: string;
    obligationId: string;
    region: string;
    store: string;
    issuedAt: string;
    attempt: number;
  };
  DeletionConfirmed: {
    commandId: string;
    region: string;
    store: string;
    completedAt: string;
    deletedCount?: number;
  };
  DeletionFailed: { commandId: string; region: string; store: string; completedAt: string; error?: string };
  PolicyActivated: { version: string; contentHash: string; policy: unknown };
  /**
   * A subject's key and id↔pseudonym mapping were destroyed (crypto-shredding). Holds no
   * personal data: the pseudonym only. `forced`: shredded while obligations were owed or a
   * hold covered the subject (`subjects shred --force`). Changes nothing the fold derives.
   */
  SubjectShredded: { pseudonym: string; trigger: ShredTrigger; forced: boolean } & OperatorPart;
  /**
   * The last entry of a tenant's stream copied by `ledger migrate`: every entry before it was
   * migrated, in order, from the source ledger's stream whose head was `sourceHash` at
   * `sourcePosition` — the link from the new chain to the old one. Changes nothing derived.
   */
  LedgerMigrated: { sourcePosition: number; sourceHash: string; sealedSubjectParts: number } & OperatorPart;
}

/** Who asked for a shred: an operator, or the policy's own retention (`ledger.shredSubjectsAfter`). */
export type ShredTrigger = 'operator' | 'policy';

/**
 * The one designated place for personal data (DESIGN.md: subject identifiers).
 * The hash chain covers only a digest of the part as stored, so the part can be
 * sealed (encrypted per subject) and its key shredded without breaking the chain.
 * Two forms:
 * - `PlainSubject`: the subject's id, stored in plaintext with a random salt (the
 *   form of every entry appended without a subject key store);
 * - `SealedSubject`: the subject's pseudonym and the ciphertext of `{"subjectId":…}`
 *   under the subject's own key (docs/subject-data.md). The pseudonym is what the fold
 *   links by, so everything derived stays the same once the key is destroyed.
 */
export type SubjectPart = PlainSubject | SealedSubject;

export interface PlainSubject {
  subjectId: string;
}

export interface SealedSubject {
  pseudonym: string;
  /** `sk1.` + base64url(nonce ‖ ciphertext ‖ tag), from the subject key store. */
  ciphertext: string;
}

export function isSealed(subject: SubjectPart): subject is SealedSubject {
  return 'pseudonym' in subject;
}

/**
 * The name the fold knows a subject by: its pseudonym when sealed, its id when plain.
 * The two never meet: ingest refuses a producer subjectId of the pseudonym form.
 */
export function subjectKeyOf(subject: SubjectPart): string {
  return isSealed(subject) ? subject.pseudonym : subject.subjectId;
}

/** Where an entry came from (provenance); hashed, but not part of the eventId payload identity. */
export interface EntrySource {
  topic: string;
  partition: number;
  offset: string;
}

/** An entry as handed to the ledger for appending. */
export interface NewEntry<T extends EntryType = EntryType> {
  eventId: string;
  tenantId: string;
  type: T;
  /** RFC 3339, normalised to UTC with milliseconds (`toISOString()`). */
  occurredAt: string;
  data: EntryDataByType[T];
  subject: SubjectPart | null;
  source: EntrySource | null;
}

/**
 * What a fold reads of an entry: its facts, without provenance or the ledger's
 * envelope. Both `NewEntry` and `LedgerEntry` are one; a rebuild reads only this
 * (see `LedgerStore.readStreamsGrouped`), which skips parsing what folding ignores.
 */
export type EntryFacts<T extends EntryType = EntryType> = Omit<NewEntry<T>, 'source'>;

/** An entry as stored: the envelope the ledger adds, hash-chained per tenant stream. */
export type LedgerEntry<T extends EntryType = EntryType> = NewEntry<T> & {
  /** 1-based position in the tenant's stream. */
  streamPosition: number;
  /** Opaque, ordered cursor over all streams (a sequence number in SQL stores). */
  globalPosition: string;
  /** When the ledger stored it (wall clock of the appender; never used by the projection). */
  recordedAt: string;
  /**
   * What the hash covers of the subject part: sha256 of it as stored (`{salt, subjectId}`
   * or `{ciphertext, pseudonym}`; null without a subject). With it a replayed entry is everything its hash covers.
   */
  subjectDigest: string | null;
  prevHash: string;
  hash: string;
};

/** Narrowing helper for folds: `isEntry(e, 'DataCreated')` gives `e.data` its type. */
export function isEntry<T extends EntryType>(entry: NewEntry, type: T): entry is NewEntry<T> {
  return entry.type === type;
}
