import type Database from 'better-sqlite3';
import type { NewEntry } from '@app/contracts/entry-types';
import { chainEntries, classifyEntries, prepareEntries } from '../append-plan';
import { appendedEntry } from '../chain-record';
import type { AppendOutcome } from '../ledger-store';
import { INSERT_COLUMNS } from '../sql-record-row';

interface CachedHead {
  streamId: number;
  position: number;
  hash: string;
}

/** `stream_id` then INSERT_COLUMNS, in order. */
type InsertRow = [
  streamId: number,
  globalPosition: number,
  tenantId: string,
  streamPosition: number,
  eventId: string,
  type: string,
  occurredAt: string,
  recordedAt: string,
  dataJson: string,
  subjectJson: string | null,
  subjectDigest: string | null,
  sourceJson: string | null,
  payloadHash: string,
  prevHash: string,
  hash: string,
];

/**
 * Appends for SqliteLedgerStore, one IMMEDIATE transaction per batch: the
 * write lock is taken first, so what is read inside cannot change before the
 * commit, even with other processes writing to the same file.
 *
 * Stream heads, the last global position and the last stream id are cached
 * between batches (reading 1000 heads per batch was a sixth of the append
 * time). The cache holds while only this connection writes: SQLite's
 * `data_version` changes when another connection commits, and then the cache
 * is dropped and re-read under the lock.
 */
export class SqliteAppender {
  private readonly heads = new Map<string, CachedHead>();
  private lastGlobal: number | undefined;
  private lastStreamId: number | undefined;
  private dataVersion: number | undefined;
  private readonly stmt: {
    dataVersion: Database.Statement<[], number>;
    storedPayloads: Database.Statement<[string], [string, string]>;
    heads: Database.Statement<[string], [string, number, number, string]>;
    maxGlobal: Database.Statement<[], number>;
    maxStreamId: Database.Statement<[], number>;
    insert: Database.Statement<InsertRow>;
    newStream: Database.Statement<[number, string, number, string]>;
    moveHead: Database.Statement<[number, string, number]>;
  };
  private readonly transaction: Database.Transaction<
    (entries: NewEntry[], recordedAt: string) => AppendOutcome[]
  >;

  constructor(db: Database.Database) {
    const columns = `stream_id, ${INSERT_COLUMNS}`;
    this.stmt = {
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      // A whole batch per statement: the loop runs inside SQLite, not across the JS boundary.
      storedPayloads: db
        .prepare<[string], [string, string]>(
          `SELECT e.event_id, e.payload_hash FROM json_each(?) AS j JOIN ledger_entries AS e ON e.event_id = j.value`,
        )
        .raw(),
      heads: db
        .prepare<[string], [string, number, number, string]>(
          `SELECT s.tenant_id, s.stream_id, s.position, s.hash FROM json_each(?) AS j
           JOIN ledger_streams AS s ON s.tenant_id = j.value`,
        )
        .raw(),
      maxGlobal: db
        .prepare<[], number>('SELECT coalesce(max(global_position), 0) FROM ledger_entries')
        .pluck(),
      maxStreamId: db.prepare<[], number>('SELECT coalesce(max(stream_id), 0) FROM ledger_streams').pluck(),
      insert: db.prepare<InsertRow>(
        `INSERT INTO ledger_entries (${columns}) VALUES (${columns
          .split(',')
          .map(() => '?')
          .join(', ')})`,
      ),
      newStream: db.prepare<[number, string, number, string]>(
        'INSERT INTO ledger_streams (stream_id, tenant_id, position, hash) VALUES (?, ?, ?, ?)',
      ),
      moveHead: db.prepare<[number, string, number]>(
        'UPDATE ledger_streams SET position = ?, hash = ? WHERE stream_id = ?',
      ),
    };
    this.transaction = db.transaction((entries: NewEntry[], recordedAt: string) =>
      this.appendLocked(entries, recordedAt),
    );
  }

  append(entries: NewEntry[], recordedAt: string): AppendOutcome[] {
    try {
      return this.transaction.immediate(entries, recordedAt);
    } catch (error) {
      // Rolled back: the cache may hold heads that were never committed.
      this.forget();
      throw error;
    }
  }

  private forget(): void {
    this.heads.clear();
    this.lastGlobal = undefined;
    this.lastStreamId = undefined;
  }

  private appendLocked(entries: NewEntry[], recordedAt: string): AppendOutcome[] {
    const version = this.stmt.dataVersion.get();
    if (version !== this.dataVersion) {
      this.forget();
      this.dataVersion = version;
    }
    const prepared = prepareEntries(entries);
    const eventIds = JSON.stringify([...new Set(prepared.map((p) => p.entry.eventId))]);
    const stored = new Map(this.stmt.storedPayloads.all(eventIds));
    const { toAppend, outcomes } = classifyEntries(prepared, (eventId) => stored.get(eventId));
    if (toAppend.length === 0) return outcomes as AppendOutcome[];

    const uncached = [...new Set(toAppend.map((p) => p.entry.tenantId))].filter((t) => !this.heads.has(t));
    if (uncached.length > 0) {
      for (const [tenantId, streamId, position, hash] of this.stmt.heads.all(JSON.stringify(uncached))) {
        this.heads.set(tenantId, { streamId, position, hash });
      }
    }
    const newStreams = new Map<string, number>();
    let lastStreamId = (this.lastStreamId ??= this.stmt.maxStreamId.get() ?? 0);
    const { records, heads } = chainEntries(
      toAppend,
      (tenantId) => {
        const head = this.heads.get(tenantId);
        if (head !== undefined) return { tenantId, position: head.position, hash: head.hash };
        newStreams.set(tenantId, ++lastStreamId);
        return undefined;
      },
      recordedAt,
    );

    let globalPosition = (this.lastGlobal ??= this.stmt.maxGlobal.get() ?? 0);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      globalPosition++;
      const streamId = this.heads.get(r.tenantId)?.streamId ?? newStreams.get(r.tenantId) ?? 0;
      // Arguments spelled out (INSERT_COLUMNS order, as insertValues) rather than a spread
      // array: no array per row on the hot path.
      this.stmt.insert.run(
        streamId,
        globalPosition,
        r.tenantId,
        r.streamPosition,
        r.eventId,
        r.type,
        r.occurredAt,
        r.recordedAt,
        r.dataJson,
        r.subjectJson,
        r.subjectDigest,
        r.sourceJson,
        r.payloadHash,
        r.prevHash,
        r.hash,
      );
      outcomes[toAppend[i].index] = {
        status: 'appended',
        entry: appendedEntry(toAppend[i].entry, r, String(globalPosition)),
      };
    }
    for (const head of heads.values()) {
      const cached = this.heads.get(head.tenantId);
      if (cached === undefined) {
        const streamId = newStreams.get(head.tenantId) ?? 0;
        this.stmt.newStream.run(streamId, head.tenantId, head.position, head.hash);
        this.heads.set(head.tenantId, { streamId, position: head.position, hash: head.hash });
      } else {
        this.stmt.moveHead.run(head.position, head.hash, cached.streamId);
        cached.position = head.position;
        cached.hash = head.hash;
      }
    }
    // Updated before COMMIT; a failed commit throws out of `append`, which drops the cache.
    this.lastGlobal = globalPosition;
    this.lastStreamId = lastStreamId;
    return outcomes as AppendOutcome[];
  }
}
