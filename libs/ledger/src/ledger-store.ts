import type { EntryFacts, LedgerEntry, NewEntry, SubjectPart } from '@app/contracts/entry-types';
import type { ChainRecord } from './chain-record';

export type AppendOutcome =
  | { status: 'appended'; entry: LedgerEntry }
  /** Same eventId, same payload: a redelivery, nothing written. */
  | { status: 'duplicate'; eventId: string }
  /** Same eventId, different payload: nothing written; the caller dead-letters it. */
  | { status: 'conflict'; eventId: string; reason: string };

/** The last entry of a tenant stream. */
export interface StreamHead {
  tenantId: string;
  position: number;
  hash: string;
}

/** A page of `LedgerStore.readStreamsGrouped`. */
export interface FactsPage {
  facts: EntryFacts[];
  /** Every stream with entries on this page or an earlier one is complete: no later page holds any of its entries. */
  streamsComplete: boolean;
}

/** What `LedgerStore.readStreams` reads of one stream: its entries below `before` (a stream position), or all of them. */
export interface StreamPrefix {
  tenantId: string;
  /** Exclusive, 1-based; undefined: up to the stream's head. */
  before?: number;
}

/** Default page size of `LedgerStore.readStreams`, in entries. */
export const READ_STREAMS_PAGE = 5000;

/** A position a stream must still hold with this hash (a checkpoint's head). */
export type ExpectedHead = StreamHead;

export interface VerifyOptions {
  /** Only this tenant's stream; throws `UnknownTenantError` when the ledger has no trace of it. */
  tenantId?: string;
  /** Called as entries are checked; `total` is the number of entries being verified. */
  onProgress?: (done: number, total: number) => void;
  /** Heads of a checkpoint the ledger must still extend (same hash at each position). */
  expected?: readonly ExpectedHead[];
  /** On success: the stream heads of the snapshot that verified (what a checkpoint signs). */
  onHeads?: (heads: readonly StreamHead[]) => void;
}

export type VerifyResult =
  | { ok: true; entries: number; streams: number }
  /** The first broken stream (in the order streams were read) and its first broken position. */
  | { ok: false; tenantId: string; position: number; reason: string };

/**
 * The ledger port: append-only, hash-chained tenant streams (DESIGN.md,
 * semantics 1-2). Adapters: SQLite (embedded default), PostgreSQL, EventStoreDB.
 */
export interface LedgerStore {
  /**
   * Appends atomically and durably (one transaction); outcomes in input order.
   * Duplicates inside the same batch count too. eventIds are unique across all
   * tenants. Throws `LedgerInputError` (and writes nothing) if an entry cannot
   * be stored faithfully, e.g. an unknown type or a NaN in its data.
   */
  appendBatch(entries: NewEntry[], recordedAt?: Date): Promise<AppendOutcome[]>;
  /**
   * A tenant's stream in order, from `fromPosition` (1-based, inclusive; default 1), up to
   * its head: no reader returns a row that verify would not check (see `verifyChains`).
   * At most `limit` entries (default all): a page reads and decodes only what it returns.
   */
  readStream(tenantId: string, fromPosition?: number, limit?: number): AsyncIterable<LedgerEntry>;
  /**
   * A tenant's stream as stored and hashed (the subject part with its salt), up to its
   * head: what an evidence bundle carries so that anyone can recompute every hash.
   */
  readChainRecords(tenantId: string): AsyncIterable<ChainRecord>;
  /**
   * Everything after the cursor (exclusive; undefined = from the start), in global order, up to `limit`
   * (default 1000). `last` is the cursor to pass next: the last entry's, or `after` unchanged when nothing is new.
   */
  readAll(after?: string, limit?: number): Promise<{ entries: LedgerEntry[]; last: string | undefined }>;
  /**
   * Every stream's entries as facts (what a fold reads), for a rebuild: streams come in
   * groups of about `groupEntries` entries, each stream in order, the streams of a group
   * interleaved; a page with `streamsComplete` ends a group. A reader folds a group, uses
   * the states and drops them: memory follows the group, not the ledger, without paying a
   * read per stream. Includes the policy stream. Entries appended meanwhile may be included.
   */
  readStreamsGrouped(groupEntries: number): AsyncIterable<FactsPage>;
  /**
   * Several streams at once, as facts (what a fold reads): each named stream's entries
   * below its `before`, up to its head. Each stream comes in order; streams may interleave
   * across pages; an unknown tenant yields nothing. Pages hold at most `pageEntries`
   * (default READ_STREAMS_PAGE) and cost one query each whatever the number of streams
   * (SQL adapters), so warming many states after a restart takes a few round trips
   * rather than one per stream (`Projector`).
   */
  readStreams(streams: readonly StreamPrefix[], pageEntries?: number): AsyncIterable<EntryFacts[]>;
  /** The stored entry with this eventId (any tenant), if any. */
  findByEventId(eventId: string): Promise<LedgerEntry | undefined>;
  /**
   * The subject parts of the stored entries among these eventIds (null: stored without a
   * subject), in one query; eventIds not stored are absent. Ingest asks before sealing, so a
   * redelivery names the subject by the pseudonym it already has (see subject-sealer.ts).
   * Optional: without it, callers ask `findByEventId` per eventId.
   */
  storedSubjects?(eventIds: readonly string[]): Promise<Map<string, SubjectPart | null>>;
  /** The cursor of the last entry in global order; undefined for an empty ledger. */
  lastPosition(): Promise<string | undefined>;
  /** Every stream's head, ordered by tenantId. */
  streamHeads(): Promise<StreamHead[]>;
  /**
   * One stream's head (undefined: the ledger never saw the tenant) by an index lookup —
   * what an existence check costs. Optional: `streamHeadOf` falls back to reading the stream.
   */
  streamHead?(tenantId: string): Promise<StreamHead | undefined>;
  /**
   * The heads of these streams (those the ledger has, in no particular order) in one
   * statement: what ingest asks before each batch to learn which tenants gained entries
   * it has not seen. Optional: without it, a caller reads the streams.
   */
  streamHeadsOf?(tenantIds: readonly string[]): Promise<StreamHead[]>;
  counts(): Promise<{ entries: number; streams: number }>;
  /**
   * Recomputes every chain (or one tenant's) against a consistent snapshot and
   * names the first broken position: a wrong prevHash link, a wrong hash, a
   * position gap, a subject digest mismatch, a stream shorter than its head, a
   * row past its head or of a stream without a head, a checkpoint no longer extended.
   */
  verify(opts?: VerifyOptions): Promise<VerifyResult>;
  close(): Promise<void>;
}

/** A stream's head through the adapter's index, or from its stream where there is none (EventStoreDB). */
export async function streamHeadOf(ledger: LedgerStore, tenantId: string): Promise<StreamHead | undefined> {
  if (ledger.streamHead) return ledger.streamHead(tenantId);
  let head: StreamHead | undefined;
  for await (const e of ledger.readStream(tenantId, 1))
    head = { tenantId, position: e.streamPosition, hash: e.hash };
  return head;
}
