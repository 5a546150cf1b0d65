import type { Pool, PoolClient } from 'pg';
import { createPgPool, schemaLockName } from '@app/config/pg-pool';
import type { EntryFacts, LedgerEntry, NewEntry, SubjectPart } from '@app/contracts/entry-types';
import { subjectPartOf } from '../subject';
import { chainEntries, classifyEntries, prepareEntries, type PreparedEntry } from '../append-plan';
import { appendedEntry, toLedgerEntry, type ChainRecord } from '../chain-record';
import { toChainLink, type ChainLink } from '../hash-chain';
import {
  READ_STREAMS_PAGE,
  type AppendOutcome,
  type FactsPage,
  type StreamPrefix,
  type LedgerStore,
  type StreamHead,
  type VerifyOptions,
  type VerifyResult,
} from '../ledger-store';
import {
  FACT_COLUMNS,
  INSERT_COLUMNS,
  insertValues,
  parseSequenceCursor,
  RECORD_COLUMNS,
  recordColumnsOf,
  rowCursor,
  rowToFacts,
  rowToRecord,
  type FactRow,
  type RecordRow,
} from '../sql-record-row';
import { groupsByHeads, rangePages, type StreamRange } from '../stream-groups';
import { LedgerNotFoundError } from '../ledger-errors';
import { verifyChains } from '../verify';
import { highWaterNames, highWaterSchemaSql, safeRowSql } from './postgres-high-water';
import { pgTables, postgresSchemaSql, type PgTables } from './postgres-schema';
import { lockKey, STREAM_LOCK_SQL, streamLockKeys } from './postgres-stream-locks';
import { copyFrom, copyRow } from './pg-copy';

export interface PostgresLedgerOptions {
  /** A libpq-style URL; a `schema` query parameter is taken out and used as the schema. */
  connectionString: string;
  /** Schema holding the ledger tables (default `public`, or the URL's `schema` parameter). */
  schema?: string;
  poolSize?: number;
  /** A pooled connection was lost outside a query (see createPgPool); the pool reconnects. */
  onConnectionError?: (err: Error) => void;
  /** An existing ledger only: no DDL; a missing schema is a `LedgerNotFoundError`. */
  readOnly?: boolean;
}

const READ_PAGE = 1000;
const FACT_COLUMNS_E = FACT_COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ');
const VERIFY_FETCH = 5000;

/** Splits `?schema=` off a PostgreSQL URL (pg would otherwise pass it on as a server setting). */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/** A unique_violation: two appends raced on one eventId from different streams. */
const UNIQUE_VIOLATION = '23505';
const APPEND_ATTEMPTS = 3;

/**
 * The ledger in PostgreSQL. Appends are serialised per stream (tenant) by
 * transaction-scoped advisory locks (`postgres-stream-locks`): appends to other
 * streams run at once, stream heads cannot race, and the eventId check sees every
 * committed entry of the streams it locked. Global positions come from a sequence,
 * allocated with the transaction id, and global readers stop below the oldest
 * running writer (`postgres-high-water`), so a reader following `readAll` never
 * skips an entry that commits late with a lower position.
 */
export class PostgresLedgerStore implements LedgerStore {
  private closed = false;
  private readonly streamLockSpace: number;
  private readonly allocate: string;
  /** Joins `e` to its head: only rows up to the head are visible to readers. */
  private readonly visible: string;

  private constructor(
    private readonly pool: Pool,
    private readonly t: PgTables,
    private readonly lockName: string,
  ) {
    this.streamLockSpace = lockKey(`retention-ledger-streams:${t.schema}`);
    this.allocate = highWaterNames(t).allocate;
    this.visible = `JOIN ${t.streams} AS s ON s.tenant_id = e.tenant_id AND e.stream_position <= s.position`;
  }

  static async open(options: PostgresLedgerOptions): Promise<PostgresLedgerStore> {
    const fromUrl = parsePostgresUrl(options.connectionString);
    const schema = options.schema ?? fromUrl.schema ?? 'public';
    const tables = pgTables(schema);
    const pool = createPgPool(fromUrl.connectionString, {
      max: options.poolSize ?? 4,
      applicationName: 'ledger',
      onConnectionError: options.onConnectionError,
    });
    const store = new PostgresLedgerStore(pool, tables, schemaLockName(schema));
    try {
      if (options.readOnly) await store.requireTables(schema);
      else {
        await store.inTransaction(async (client) => {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [store.lockName]);
          await client.query(postgresSchemaSql(tables));
          // A mutex per schema: two ledgers in one database allocate apart.
          await client.query(
            highWaterSchemaSql(tables, {
              mutex: lockKey(`retention-ledger-positions:${schema}`),
              writers: lockKey(`retention-ledger-writers:${schema}`),
            }),
          );
        });
      }
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async requireTables(schema: string): Promise<void> {
    const { rows } = await this.pool.query<[string | null, string | null, string | null]>({
      text: 'SELECT to_regclass($1), to_regclass($2), to_regprocedure($3)',
      values: [this.t.entries, this.t.streams, `${highWaterNames(this.t).readBound}()`],
      rowMode: 'array',
    });
    if (rows[0][0] === null || rows[0][1] === null) {
      throw new LedgerNotFoundError(
        `no ledger in PostgreSQL schema ${schema} (a read-only command never creates one)`,
      );
    }
    if (rows[0][2] === null) {
      // Written by a version before read_bound: a read-write open (any ingest or run) adds it.
      throw new LedgerNotFoundError(
        `the ledger in PostgreSQL schema ${schema} was written by an older version and lacks ${highWaterNames(this.t).readBound}(); ` +
          'open it once read-write (ingest or run) to upgrade it, then run this command again',
      );
    }
  }

  private async inTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // pg-pool drops a client whose connection broke instead of handing it out again.
      client.release();
    }
  }

  async appendBatch(entries: NewEntry[], recordedAt: Date = new Date()): Promise<AppendOutcome[]> {
    if (entries.length === 0) return [];
    const prepared = prepareEntries(entries);
    const recordedAtIso = recordedAt.toISOString();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inTransaction((client) => this.appendIn(client, prepared, recordedAtIso));
      } catch (error) {
        // Another stream committed the same eventId first: run again, it is then a conflict.
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= APPEND_ATTEMPTS) throw error;
      }
    }
  }

  private async appendIn(
    client: PoolClient,
    prepared: PreparedEntry[],
    recordedAtIso: string,
  ): Promise<AppendOutcome[]> {
    const batchTenants = new Set(prepared.map((p) => p.entry.tenantId));
    await client.query(STREAM_LOCK_SQL, [this.streamLockSpace, streamLockKeys(batchTenants)]);
    const eventIds = [...new Set(prepared.map((p) => p.entry.eventId))];
    const stored = await client.query<[string, string]>({
      text: `SELECT event_id, payload_hash FROM ${this.t.entries} WHERE event_id = ANY($1::text[])`,
      values: [eventIds],
      rowMode: 'array',
    });
    const storedPayloads = new Map(stored.rows);
    const { toAppend, outcomes } = classifyEntries(prepared, (eventId) => storedPayloads.get(eventId));
    if (toAppend.length === 0) return outcomes as AppendOutcome[];

    const tenants = [...new Set(toAppend.map((p) => p.entry.tenantId))];
    const headRows = await client.query<[string, string, string]>({
      text: `SELECT tenant_id, position, hash FROM ${this.t.streams} WHERE tenant_id = ANY($1::text[])`,
      values: [tenants],
      rowMode: 'array',
    });
    const currentHeads = new Map<string, StreamHead>(
      headRows.rows.map(([tenantId, position, hash]) => [
        tenantId,
        { tenantId, position: Number(position), hash },
      ]),
    );
    const { records, heads } = chainEntries(
      toAppend,
      (tenantId) => currentHeads.get(tenantId),
      recordedAtIso,
    );

    // The first write of the transaction: positions and the xid, together (see postgres-high-water).
    const first = await client.query<[string]>({
      text: `SELECT ${this.allocate}($1)`,
      values: [records.length],
      rowMode: 'array',
    });
    let globalPosition = Number(first.rows[0][0]) - 1;
    const rows = new Array<string>(records.length);
    for (let i = 0; i < records.length; i++) {
      globalPosition++;
      rows[i] = copyRow(insertValues(globalPosition, records[i]));
      outcomes[toAppend[i].index] = {
        status: 'appended',
        entry: appendedEntry(toAppend[i].entry, records[i], String(globalPosition)),
      };
    }
    // COPY rather than INSERT … unnest(…): no array literals to escape here and parse there.
    await copyFrom(client, `${this.t.entries} (${INSERT_COLUMNS})`, rows);
    const newHeads = [...heads.values()];
    await client.query(
      `INSERT INTO ${this.t.streams} (tenant_id, position, hash)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
       ON CONFLICT (tenant_id) DO UPDATE SET position = EXCLUDED.position, hash = EXCLUDED.hash`,
      [newHeads.map((h) => h.tenantId), newHeads.map((h) => h.position), newHeads.map((h) => h.hash)],
    );
    return outcomes as AppendOutcome[];
  }

  async *readStream(
    tenantId: string,
    fromPosition = 1,
    limit = Number.POSITIVE_INFINITY,
  ): AsyncIterable<LedgerEntry> {
    for await (const row of this.streamRows(tenantId, fromPosition, limit))
      yield toLedgerEntry(rowToRecord(row), rowCursor(row));
  }

  async *readChainRecords(tenantId: string): AsyncIterable<ChainRecord> {
    for await (const row of this.streamRows(tenantId, 1)) yield rowToRecord(row);
  }

  private async *streamRows(
    tenantId: string,
    fromPosition: number,
    limit = Number.POSITIVE_INFINITY,
  ): AsyncIterable<RecordRow> {
    let next = Math.max(1, fromPosition);
    let left = limit;
    for (;;) {
      if (left <= 0) return;
      const size = Math.min(READ_PAGE, left);
      const { rows } = await this.pool.query<RecordRow>({
        // Up to the stream's head: no reader returns a row verify would not check.
        text: `SELECT ${recordColumnsOf('e')} FROM ${this.t.entries} AS e ${this.visible}
               WHERE e.tenant_id = $1 AND e.stream_position >= $2 ORDER BY e.stream_position LIMIT $3`,
        values: [tenantId, next, size],
        rowMode: 'array',
      });
      left -= rows.length;
      yield* rows;
      if (rows.length < size) return;
      next = Number(rows[rows.length - 1][1]) + 1;
    }
  }

  readStreamsGrouped(groupEntries: number): AsyncIterable<FactsPage> {
    // Groups of streams by their heads, each read in a few statements (`readStreams`), not one per stream.
    return groupsByHeads(this, groupEntries);
  }

  async *readStreams(
    streams: readonly StreamPrefix[],
    pageEntries = READ_STREAMS_PAGE,
  ): AsyncIterable<EntryFacts[]> {
    if (streams.length === 0) return;
    // The heads in one query: each stream is read up to its head as it is now (rows past a
    // head are never returned), so every page is a known, bounded set of positions.
    const { rows: heads } = await this.pool.query<[string, string]>({
      text: `SELECT tenant_id, position FROM ${this.t.streams} WHERE tenant_id = ANY($1::text[])`,
      values: [streams.map((s) => s.tenantId)],
      rowMode: 'array',
    });
    const headOf = new Map(heads.map(([tenantId, position]) => [tenantId, Number(position)]));
    const ranges: StreamRange[] = [];
    for (const { tenantId, before } of streams) {
      const head = headOf.get(tenantId);
      if (head !== undefined)
        ranges.push({ tenantId, from: 1, to: Math.min(head, (before ?? Infinity) - 1) });
    }
    for (const page of rangePages(ranges, pageEntries)) {
      const { rows } = await this.pool.query<FactRow>({
        // One index range per stream of the page, all in one statement.
        text: `SELECT ${FACT_COLUMNS_E} FROM ${this.t.entries} AS e
               JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(tenant_id, lo, hi)
                 ON e.tenant_id = r.tenant_id AND e.stream_position BETWEEN r.lo AND r.hi
               ORDER BY e.tenant_id, e.stream_position`,
        values: [page.map((r) => r.tenantId), page.map((r) => r.from), page.map((r) => r.to)],
        rowMode: 'array',
      });
      yield rows.map(rowToFacts);
    }
  }

  async readAll(after?: string, limit = 1000): Promise<{ entries: LedgerEntry[]; last: string | undefined }> {
    const { rows } = await this.pool.query<RecordRow>({
      text: `SELECT ${recordColumnsOf('e')} FROM ${this.t.entries} AS e ${this.visible}
             WHERE e.global_position > $1 AND ${safeRowSql(this.t, 'e')} ORDER BY e.global_position LIMIT $2`,
      values: [parseSequenceCursor(after), limit],
      rowMode: 'array',
    });
    return {
      entries: rows.map((row) => toLedgerEntry(rowToRecord(row), rowCursor(row))),
      last: rows.length === 0 ? after : rowCursor(rows[rows.length - 1]),
    };
  }

  async findByEventId(eventId: string): Promise<LedgerEntry | undefined> {
    const { rows } = await this.pool.query<RecordRow>({
      text: `SELECT ${recordColumnsOf('e')} FROM ${this.t.entries} AS e ${this.visible} WHERE e.event_id = $1`,
      values: [eventId],
      rowMode: 'array',
    });
    return rows.length === 0 ? undefined : toLedgerEntry(rowToRecord(rows[0]), rowCursor(rows[0]));
  }

  async storedSubjects(eventIds: readonly string[]): Promise<Map<string, SubjectPart | null>> {
    const { rows } = await this.pool.query<[string, string | null]>({
      text: `SELECT event_id, subject_json FROM ${this.t.entries} WHERE event_id = ANY($1::text[])`,
      values: [eventIds],
      rowMode: 'array',
    });
    return new Map(rows.map(([eventId, json]) => [eventId, json === null ? null : subjectPartOf(json)]));
  }

  async lastPosition(): Promise<string | undefined> {
    const { rows } = await this.pool.query<[string | null]>({
      // The high-water mark: the last position a global reader may pass (see postgres-high-water).
      text: `SELECT max(global_position) FROM ${this.t.entries} WHERE ${safeRowSql(this.t)}`,
      rowMode: 'array',
    });
    return rows[0][0] ?? undefined;
  }

  private async readHeads(client: Pool | PoolClient, tenantId?: string): Promise<StreamHead[]> {
    const { rows } = await client.query<[string, string, string]>({
      text:
        `SELECT tenant_id, position, hash FROM ${this.t.streams} WHERE true` +
        (tenantId === undefined ? '' : ' AND tenant_id = $1') +
        ' ORDER BY tenant_id',
      values: tenantId === undefined ? [] : [tenantId],
      rowMode: 'array',
    });
    return rows.map(([id, position, hash]) => ({ tenantId: id, position: Number(position), hash }));
  }

  async streamHeads(): Promise<StreamHead[]> {
    return this.readHeads(this.pool);
  }

  async streamHead(tenantId: string): Promise<StreamHead | undefined> {
    return (await this.readHeads(this.pool, tenantId))[0];
  }

  async streamHeadsOf(tenantIds: readonly string[]): Promise<StreamHead[]> {
    if (tenantIds.length === 0) return [];
    const { rows } = await this.pool.query<[string, string, string]>({
      text: `SELECT tenant_id, position, hash FROM ${this.t.streams} WHERE tenant_id = ANY($1::text[])`,
      values: [tenantIds],
      rowMode: 'array',
    });
    return rows.map(([tenantId, position, hash]) => ({ tenantId, position: Number(position), hash }));
  }

  async counts(): Promise<{ entries: number; streams: number }> {
    // Positions are contiguous from 1, so the heads sum to the entry count without scanning the entries.
    const { rows } = await this.pool.query<[string, string]>({
      text: `SELECT count(*), coalesce(sum(position), 0) FROM ${this.t.streams} WHERE position > 0`,
      rowMode: 'array',
    });
    return { streams: Number(rows[0][0]), entries: Number(rows[0][1]) };
  }

  async verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    const client = await this.pool.connect();
    try {
      // One snapshot for heads and entries, while appends go on.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const heads = await this.readHeads(client, opts.tenantId);
      await client.query({
        text:
          `DECLARE ledger_verify NO SCROLL CURSOR FOR SELECT ${RECORD_COLUMNS} FROM ${this.t.entries}` +
          (opts.tenantId === undefined ? '' : ' WHERE tenant_id = $1') +
          ' ORDER BY tenant_id, stream_position',
        values: opts.tenantId === undefined ? [] : [opts.tenantId],
      });
      const result = await verifyChains(heads, fetchAll(client), opts);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

async function* fetchAll(client: PoolClient): AsyncIterable<ChainLink[]> {
  for (;;) {
    const { rows } = await client.query<RecordRow>({
      text: `FETCH ${VERIFY_FETCH} FROM ledger_verify`,
      rowMode: 'array',
    });
    if (rows.length === 0) return;
    yield rows.map((row) => toChainLink(rowToRecord(row)));
  }
}
