import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
  type AppendStreamRequest,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { EntryFacts, EntrySource, LedgerEntry, NewEntry } from '@app/contracts/entry-types';
import { chainEntries, classifyEntries, prepareEntries } from '../append-plan';
import { canonicalJson } from '@app/contracts/canonical-json';
import { canonicalSource, type HashedEnvelope } from '../canonical';
import { appendedEntry, toLedgerEntry, type ChainRecord, type NewChainRecord } from '../chain-record';
import { GENESIS_HASH, toChainLink, type ChainLink } from '../hash-chain';
import type {
  AppendOutcome,
  FactsPage,
  StreamPrefix,
  LedgerStore,
  StreamHead,
  VerifyOptions,
  VerifyResult,
} from '../ledger-store';
import { canonicalStoredSubject, parseStoredSubject, type StoredSubject } from '../subject';
import { streamsOneAtATime, streamsOneByOne } from '../stream-groups';
import { verifyChains } from '../verify';
import { encodeEsdbCursor, parseEsdbCursor } from './esdb-cursor';
import { LEDGER_CLAIM_NAMESPACE, LEDGER_EVENT_NAMESPACE, uuidV5 } from './event-uuid';

export interface EsdbLedgerOptions {
  /** `kurrentdb://…` / `esdb://…` connection string (esdb is rewritten to kurrentdb, its deprecated spelling). */
  connectionString: string;
  /** Prefix of tenant stream names (default `ledger-`); tests use a random one per run. */
  streamPrefix?: string;
}

/** The JSON body of a ledger event: the stored record plus the eventId payload identity. */
/** The hashed envelope as stored, with the subject part, the entry's hash and its payload hash beside it. */
type StoredEvent = Omit<HashedEnvelope, 'source'> & {
  source: EntrySource | null;
  subject: StoredSubject | null;
  hash: string;
  payloadHash: string;
};

/**
 * Body of an eventId claim: one stream per eventId, created once, is the global
 * uniqueness check — and the index from an eventId to its entry.
 */
type ClaimEvent = { eventId: string; tenantId: string; streamPosition: number; payloadHash: string };

const MAX_ATTEMPTS = 10;
const READ_CONCURRENCY = 16;
const VERIFY_BATCH = 1000;

function isStoredEvent(value: unknown): value is StoredEvent {
  const v = value as Partial<StoredEvent> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.v === 1 &&
    typeof v.tenantId === 'string' &&
    typeof v.hash === 'string'
  );
}

function isClaimEvent(value: unknown): value is ClaimEvent {
  const v = value as Partial<ClaimEvent> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.eventId === 'string' && typeof v.payloadHash === 'string'
  );
}

function toRecord(body: StoredEvent): ChainRecord {
  return {
    tenantId: body.tenantId,
    streamPosition: body.streamPosition,
    eventId: body.eventId,
    type: body.type,
    occurredAt: body.occurredAt,
    recordedAt: body.recordedAt,
    // Re-encoding is safe: the canonical form is a function of the JSON value, which the store keeps.
    dataJson: canonicalJson(body.data),
    subjectDigest: body.subjectDigest,
    subjectJson: body.subject === null ? null : canonicalStoredSubject(body.subject),
    sourceJson: body.source === null ? null : canonicalSource(body.source),
    prevHash: body.prevHash,
    hash: body.hash,
  };
}

function toBody(r: NewChainRecord): StoredEvent {
  return {
    v: 1,
    tenantId: r.tenantId,
    streamPosition: r.streamPosition,
    eventId: r.eventId,
    type: r.type,
    occurredAt: r.occurredAt,
    recordedAt: r.recordedAt,
    data: JSON.parse(r.dataJson) as unknown,
    subjectDigest: r.subjectDigest,
    subject: r.subjectJson === null ? null : parseStoredSubject(r.subjectJson),
    source: r.sourceJson === null ? null : (JSON.parse(r.sourceJson) as EntrySource),
    prevHash: r.prevHash,
    hash: r.hash,
    payloadHash: r.payloadHash,
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

/**
 * The ledger on EventStoreDB / KurrentDB: one stream per tenant
 * (`ledger-<tenantId>`), stream revision = position - 1.
 *
 * A batch is one `multiStreamAppend` (KurrentDB ≥ 25.1), atomic across
 * streams: each tenant stream with its expected revision (so the chain cannot
 * fork) plus, per entry, an eventId claim stream expected not to exist (global
 * eventId uniqueness). When a claim exists, the claims are read to tell
 * duplicates from conflicts and the rest is retried; when a tenant stream
 * moved, its head is re-read and the batch retried.
 */
export class EsdbLedgerStore implements LedgerStore {
  private readonly client: KurrentDBClient;
  private readonly prefix: string;
  private readonly claimPrefix: string;
  /** Cached heads of streams this process appended to; a stale one is corrected by the expected-revision check. */
  private readonly heads = new Map<string, StreamHead>();

  constructor(options: EsdbLedgerOptions) {
    this.client = KurrentDBClient.connectionString(
      options.connectionString.replace(/^esdb(\+discover)?:/, 'kurrentdb$1:'),
    );
    this.prefix = options.streamPrefix ?? 'ledger-';
    // Not under the tenant-stream prefix, so `$all` reads filtered on it never see claims.
    this.claimPrefix = `${this.prefix.replace(/-$/, '')}id-`;
  }

  private streamName(tenantId: string): string {
    return this.prefix + tenantId;
  }

  private claimStream(eventId: string): string {
    return this.claimPrefix + uuidV5(eventId, LEDGER_CLAIM_NAMESPACE);
  }

  /** Reads a stream's events; an absent stream reads as empty. */
  private async *events(
    stream: string,
    options: Parameters<KurrentDBClient['readStream']>[1],
  ): AsyncIterable<ResolvedEvent> {
    try {
      for await (const resolved of this.client.readStream(stream, options)) yield resolved;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }

  private async loadHead(tenantId: string): Promise<StreamHead> {
    let head: StreamHead = { tenantId, position: 0, hash: GENESIS_HASH };
    for await (const { event } of this.events(this.streamName(tenantId), {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    })) {
      if (event !== undefined && isStoredEvent(event.data)) {
        head = { tenantId, position: event.data.streamPosition, hash: event.data.hash };
      }
    }
    return head;
  }

  private async readClaim(eventId: string): Promise<ClaimEvent | undefined> {
    for await (const { event } of this.events(this.claimStream(eventId), {
      fromRevision: START,
      maxCount: 1,
    })) {
      if (event !== undefined && isClaimEvent(event.data) && event.data.eventId === eventId)
        return event.data;
    }
    return undefined;
  }

  private async loadClaims(eventIds: readonly string[], known: Map<string, string>): Promise<void> {
    await forEachLimited(
      eventIds.filter((id) => !known.has(id)),
      READ_CONCURRENCY,
      async (eventId) => {
        const claim = await this.readClaim(eventId);
        if (claim !== undefined) known.set(eventId, claim.payloadHash);
      },
    );
  }

  async appendBatch(entries: NewEntry[], recordedAt: Date = new Date()): Promise<AppendOutcome[]> {
    if (entries.length === 0) return [];
    const prepared = prepareEntries(entries);
    const recordedAtIso = recordedAt.toISOString();
    /** Payload hashes of eventIds found already claimed. */
    const claimed = new Map<string, string>();
    for (let attempt = 1; ; attempt++) {
      const { toAppend, outcomes } = classifyEntries(prepared, (eventId) => claimed.get(eventId));
      if (toAppend.length === 0) return outcomes as AppendOutcome[];
      const tenants = [...new Set(toAppend.map((p) => p.entry.tenantId))];
      await forEachLimited(
        tenants.filter((t) => !this.heads.has(t)),
        READ_CONCURRENCY,
        async (t) => void this.heads.set(t, await this.loadHead(t)),
      );
      const { records, heads } = chainEntries(toAppend, (t) => this.heads.get(t), recordedAtIso);

      const byTenant = new Map<string, NewChainRecord[]>();
      for (const r of records) {
        const list = byTenant.get(r.tenantId);
        if (list === undefined) byTenant.set(r.tenantId, [r]);
        else list.push(r);
      }
      const requests: AppendStreamRequest[] = [];
      for (const [tenantId, list] of byTenant) {
        const position = this.heads.get(tenantId)?.position ?? 0;
        requests.push({
          streamName: this.streamName(tenantId),
          expectedState: position === 0 ? NO_STREAM : BigInt(position - 1),
          events: list.map((r) =>
            jsonEvent({ id: uuidV5(r.eventId, LEDGER_EVENT_NAMESPACE), type: r.type, data: toBody(r) }),
          ),
        });
      }
      for (const r of records) {
        const claim: ClaimEvent = {
          eventId: r.eventId,
          tenantId: r.tenantId,
          streamPosition: r.streamPosition,
          payloadHash: r.payloadHash,
        };
        requests.push({
          streamName: this.claimStream(r.eventId),
          expectedState: NO_STREAM,
          events: [
            jsonEvent({ id: uuidV5(r.eventId, LEDGER_CLAIM_NAMESPACE), type: 'EventIdClaimed', data: claim }),
          ],
        });
      }

      try {
        await this.client.multiStreamAppend(requests);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
        if (error.streamName.startsWith(this.claimPrefix)) {
          await this.loadClaims(
            toAppend.map((p) => p.entry.eventId),
            claimed,
          );
        } else {
          // Another writer moved one of our streams: re-read heads on the next attempt.
          for (const t of tenants) this.heads.delete(t);
        }
        continue;
      }

      for (const head of heads.values()) this.heads.set(head.tenantId, head);
      // The append answers with stream revisions only; read our events back for their $all positions.
      const positions = new Map<string, string>();
      await forEachLimited([...byTenant.values()], READ_CONCURRENCY, async (list) => {
        for await (const { event } of this.events(this.streamName(list[0].tenantId), {
          fromRevision: BigInt(list[0].streamPosition - 1),
          maxCount: list.length,
        })) {
          if (event?.position !== undefined && isStoredEvent(event.data)) {
            positions.set(event.data.eventId, encodeEsdbCursor(event.position));
          }
        }
      });
      for (let i = 0; i < records.length; i++) {
        const position = positions.get(records[i].eventId);
        if (position === undefined)
          throw new Error(`appended ${records[i].eventId} but could not read its position`);
        outcomes[toAppend[i].index] = {
          status: 'appended',
          entry: appendedEntry(toAppend[i].entry, records[i], position),
        };
      }
      return outcomes as AppendOutcome[];
    }
  }

  readStreamsGrouped(): AsyncIterable<FactsPage> {
    // Stream by stream: EventStoreDB keeps each tenant stream as a stream of its own.
    return streamsOneByOne(this);
  }

  readStreams(streams: readonly StreamPrefix[], pageEntries?: number): AsyncIterable<EntryFacts[]> {
    // One read per stream: EventStoreDB has no read across several named streams.
    return streamsOneAtATime(this, streams, pageEntries);
  }

  async *readStream(tenantId: string, fromPosition = 1, limit?: number): AsyncIterable<LedgerEntry> {
    for await (const { event } of this.events(this.streamName(tenantId), {
      direction: FORWARDS,
      fromRevision: BigInt(Math.max(1, fromPosition) - 1),
      ...(limit === undefined ? {} : { maxCount: BigInt(limit) }),
    })) {
      if (event === undefined || !isStoredEvent(event.data)) continue;
      if (event.position === undefined)
        throw new Error('the server does not report event positions (needs ≥ 22.6)');
      yield toLedgerEntry(toRecord(event.data), encodeEsdbCursor(event.position));
    }
  }

  async *readChainRecords(tenantId: string): AsyncIterable<ChainRecord> {
    for await (const { event } of this.events(this.streamName(tenantId), {
      direction: FORWARDS,
      fromRevision: START,
    })) {
      if (event !== undefined && isStoredEvent(event.data)) yield toRecord(event.data);
    }
  }

  async readAll(after?: string, limit = 1000): Promise<{ entries: LedgerEntry[]; last: string | undefined }> {
    const from = after === undefined ? undefined : parseEsdbCursor(after);
    const entries: LedgerEntry[] = [];
    let last = after;
    // `fromPosition` is inclusive: read one more and skip the event at the cursor itself.
    for await (const { event } of this.client.readAll({
      fromPosition: from ?? START,
      direction: FORWARDS,
      maxCount: limit + 1,
      filter: streamNameFilter({ prefixes: [this.prefix] }),
    })) {
      if (event === undefined || !isStoredEvent(event.data)) continue;
      const cursor = encodeEsdbCursor(event.position);
      if (cursor === after) continue;
      if (entries.length === limit) break;
      entries.push(toLedgerEntry(toRecord(event.data), cursor));
      last = cursor;
    }
    return { entries, last };
  }

  async findByEventId(eventId: string): Promise<LedgerEntry | undefined> {
    const claim = await this.readClaim(eventId);
    if (claim === undefined) return undefined;
    for await (const entry of this.readStream(claim.tenantId, claim.streamPosition)) {
      return entry.eventId === eventId ? entry : undefined;
    }
    return undefined;
  }

  async lastPosition(): Promise<string | undefined> {
    for await (const { event } of this.client.readAll({
      fromPosition: END,
      direction: BACKWARDS,
      maxCount: 1,
      filter: streamNameFilter({ prefixes: [this.prefix] }),
    })) {
      if (event !== undefined) return encodeEsdbCursor(event.position);
    }
    return undefined;
  }

  /** Scans `$all` for the ledger's streams: EventStoreDB keeps no index we could ask instead. */
  async streamHeads(): Promise<StreamHead[]> {
    const heads = new Map<string, StreamHead>();
    for await (const { event } of this.client.readAll({
      fromPosition: START,
      direction: FORWARDS,
      filter: streamNameFilter({ prefixes: [this.prefix] }),
    })) {
      if (event === undefined || !isStoredEvent(event.data)) continue;
      heads.set(event.data.tenantId, {
        tenantId: event.data.tenantId,
        position: event.data.streamPosition,
        hash: event.data.hash,
      });
    }
    return [...heads.values()].sort((a, b) =>
      a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0,
    );
  }

  async counts(): Promise<{ entries: number; streams: number }> {
    const heads = await this.streamHeads();
    return { entries: heads.reduce((sum, h) => sum + h.position, 0), streams: heads.length };
  }

  async verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    // No snapshot here: heads first, then each stream up to its head (later appends are ignored).
    const heads =
      opts.tenantId === undefined
        ? await this.streamHeads()
        : [await this.loadHead(opts.tenantId)].filter((h) => h.position > 0);
    return verifyChains(heads, this.chainBatches(heads), opts);
  }

  private async *chainBatches(heads: readonly StreamHead[]): AsyncIterable<ChainLink[]> {
    for (const head of heads) {
      let batch: ChainLink[] = [];
      for await (const { event } of this.events(this.streamName(head.tenantId), {
        direction: FORWARDS,
        fromRevision: START,
        maxCount: head.position,
      })) {
        if (event === undefined || !isStoredEvent(event.data)) continue;
        batch.push(toChainLink(toRecord(event.data)));
        if (batch.length === VERIFY_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
