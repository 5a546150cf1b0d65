import type { DeletedBy, HoldContext, Resolution } from '@app/contracts/entry-types';
import type { CompiledPolicy } from './policy/compiled-policy';
import type { PolicyIssue } from './policy/parse-policy';

/**
 * The fold's state for one tenant: a normalised SET of facts from the ledger.
 *
 * Every container aggregates commutatively and idempotently (a minimum, a set
 * keyed by eventId or commandId, a list kept sorted by a total order), so the
 * same set of entries gives the same state whatever order they arrive in and
 * however often each arrives. Obligations are derived from these facts by
 * `obligations(state)`; nothing here depends on arrival order.
 *
 * The state is an accumulator owned by the fold: `evolve` updates it in place and
 * returns it (copying per entry would make a rebuild quadratic). Do not share one
 * state between folds; start each fold from `initialState`.
 *
 * Compactness matters (a projector keeps one state per tenant, for every tenant):
 * times are epoch milliseconds; a data item is one object; region/store pairs and
 * category names are interned; containers most tenants never need stay `null`
 * until their first fact. Treat the fields as read-only outside this library.
 */
export interface TenantState {
  readonly tenantId: string;
  /** Data items by dataId: created and/or deleted. */
  readonly data: Map<string, DataFacts>;
  /** Subjects (users) by subjectId: their deletions, their data. */
  readonly subjects: Map<string, SubjectFacts>;
  /** SubscriptionEnded facts, sorted by (at, eventId); `expedite` marks an expedited tenant deletion. */
  ends: Array<TimedFact & { readonly expedite?: true }> | null;
  /** SubscriptionReactivated facts, sorted by (at, eventId). */
  reactivations: TimedFact[] | null;
  holds: Map<string, HoldFacts> | null;
  /** PolicyActivated facts, sorted by (at, version, eventId). */
  policies: PolicyFact[] | null;
  /** The ruling DeletionCommandIssued fact per commandId. */
  commands: Map<string, CommandFact> | null;
  /** Every DeletionCommandIssued fact by obligationId (a non-empty list). */
  commandsByObligation: Map<string, CommandFact[]> | null;
  /** DeletionConfirmed / DeletionFailed facts that arrived before their command, by commandId (then they move onto it). */
  receipts: Map<string, ReceiptFact[]> | null;
  /** Interned stores: region → store → ref, with the earliest creation per category of the data there. */
  stores: Map<string, Map<string, StoreRef>> | null;
  /** Subjects named by a legal hold placement: their data also decides which tenant-wide purges a hold covers. */
  heldSubjects: Set<string> | null;
  /** Data items named by a legal hold placement (`dataId` scope), for the same reason. */
  heldData: Set<string> | null;
  /**
   * Data items deleted more than once or restored, by dataId (most items are neither, so
   * this lives beside the items, not in them).
   */
  dataHistory: Map<string, DataHistory> | null;
  /** Operator facts (retry, resolve, extend) by obligationId, sorted by (at, eventId). */
  operations: Map<string, OperatorFact[]> | null;
  /** PolicyActivated entries whose policy failed validation: ignored by the derivation, kept for diagnostics. */
  invalidPolicies: Array<{ eventId: string; issues: readonly PolicyIssue[] }> | null;
  /** Entries ignored because a timestamp or the subject could not be read (eventIds, for diagnostics). */
  ignoredEntries: string[] | null;
  /** Subjects with a SubjectShredded fact, by the fold's name (pseudonym): never asked to shred again. Derives nothing. */
  shreddedSubjects: Set<string> | null;
  /** Incremental derivation bookkeeping (see `drainChanges`); not facts. */
  readonly derivation: DerivationBook;
}

export interface TimedFact {
  readonly eventId: string;
  readonly at: number;
}

/** A region/store pair of the tenant. */
export interface StoreRef {
  readonly region: string;
  readonly store: string;
  /** `region` NUL `store`, a total order over stores. */
  readonly key: string;
  /**
   * The earliest creation time per category of the tenant's data in this store
   * (over every DataCreated fact): which stores a tenant-wide purge must reach.
   * null while no data was created here (a store only named by a command).
   */
  minCreatedAt: Map<string, number> | null;
}

/** One data item. A data-deleted fact may arrive first: then `category` is null until its data-created. */
export class DataFacts {
  get kind(): 'data' {
    return 'data';
  }
  /** Of conflicting data-created facts, the least by (at, category, region/store, subject) rules. */
  createdAt = NaN;
  category: string | null = null;
  store: StoreRef | null = null;
  subjectId: string | null = null;
  /** The earliest data-deletion (null: none yet; null rather than NaN so an undeleted item holds no number box). */
  deletedAt: number | null = null;
  deletedBy: DeletedBy | null = null;
  /** Derivation cache: the hash part of this item's obligation ids. */
  idHash: string | null = null;
  /** Derivation bookkeeping: which of its obligations the last drain emitted (bits, see derive.ts). */
  emittedMask = 0;
  constructor(readonly dataId: string) {}
}

export interface DataHistory {
  /** Distinct deletion times after the earliest, sorted (a deletion after a restore re-triggers the purge). */
  laterDeletions: number[] | null;
  /** DataRestored facts, sorted by (at, eventId). */
  restores: TimedFact[] | null;
}

export class SubjectFacts {
  get kind(): 'subject' {
    return 'subject';
  }
  /** UserDeleted facts, sorted by (at, eventId); the first is the deletion, later ones are duplicates (unless a restore came between). */
  deletions: TimedFact[] | null = null;
  /** UserRestored facts, sorted by (at, eventId). */
  restores: TimedFact[] | null = null;
  /** Data items any DataCreated of which names this subject (no repeats). */
  readonly data: DataFacts[] = [];
  constructor(readonly subjectId: string) {}
}

/** The tenant-wide group of obligations (subscription end). */
export class TenantGroup {
  get kind(): 'tenant' {
    return 'tenant';
  }
}

/** A unit of derivation: a data item, a subject, or the tenant. */
export type Group = DataFacts | SubjectFacts | TenantGroup;

/** A legal hold placement: its scope (each filter narrows it; none = the whole tenant) and its context. */
export interface HoldPlacement extends TimedFact {
  readonly subjectId: string | null;
  readonly dataId: string | null;
  readonly category: string | null;
  readonly context: HoldContext | null;
}

export interface HoldRelease extends TimedFact {
  readonly context: HoldContext | null;
}

/**
 * One holdId's facts. Each placement opens an interval that the first release at or
 * after it closes (see `holdIntervals`): a placement after a release is a new interval.
 */
export interface HoldFacts {
  readonly holdId: string;
  /** LegalHoldPlaced facts, sorted by (at, eventId). */
  readonly placements: HoldPlacement[];
  /** LegalHoldReleased facts, sorted by (at, eventId). */
  readonly releases: HoldRelease[];
}

/** An operator's action on one obligation (a ledger fact with actor and reason). */
export type OperatorFact = TimedFact & { readonly actor: string; readonly reason: string } & (
    | { readonly kind: 'retry' }
    | { readonly kind: 'resolve'; readonly resolution: Resolution }
    | { readonly kind: 'extend'; readonly until: number }
  );

export interface PolicyFact extends TimedFact {
  readonly version: string;
  readonly policy: CompiledPolicy;
}

export interface CommandFact {
  readonly commandId: string;
  readonly obligationId: string;
  readonly store: StoreRef;
  readonly issuedAt: number;
  readonly attempt: number;
  /** The receipts of this commandId (kept on the ruling fact of the commandId); null: none yet. */
  receipts: ReceiptFact[] | null;
}

export interface ReceiptFact {
  readonly outcome: 'confirmed' | 'failed';
  readonly store: StoreRef;
  readonly at: number;
  readonly error?: string;
}

export interface DerivationBook {
  readonly tenantGroup: TenantGroup;
  /** Groups whose facts changed since the last `drainChanges`. */
  dirty: Set<Group> | null;
  /** Every group is dirty (a policy or a tenant-wide hold changed). */
  allDirty: boolean;
  /**
   * Where commands and receipts find their group: the last 28 bits of an emitted
   * (or candidate) obligation id's hash to its group(s). A collision only marks an
   * extra group dirty, which is harmless.
   */
  groupOf: Map<number, Group[]> | null;
  /** Ids each subject or the tenant group emitted at the last drain, to report removals (data items use `emittedMask`). */
  emitted: Map<SubjectFacts | TenantGroup, readonly string[]> | null;
  /** Cache of store-scoped obligation ids by trigger eventId NUL store key (hashing is the costly part). */
  storeIds: Map<string, string> | null;
}

export function initialState(tenantId: string): TenantState {
  return {
    tenantId,
    data: new Map(),
    subjects: new Map(),
    ends: null,
    reactivations: null,
    holds: null,
    policies: null,
    commands: null,
    commandsByObligation: null,
    receipts: null,
    stores: null,
    heldSubjects: null,
    heldData: null,
    dataHistory: null,
    operations: null,
    invalidPolicies: null,
    ignoredEntries: null,
    shreddedSubjects: null,
    derivation: {
      tenantGroup: new TenantGroup(),
      dirty: null,
      allDirty: false,
      groupOf: null,
      emitted: null,
      storeIds: null,
    },
  };
}
