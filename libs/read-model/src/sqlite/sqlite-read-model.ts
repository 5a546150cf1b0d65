import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ObligationStatus } from '@app/retention';
import {
  ObligationRecord,
  ProjectionWrite,
  ReadModel,
  ReadModelLoad,
  StoredObligation,
  storedStatus,
} from '../obligation-record';
import { COUNTS_BY_STATUS_SQL, DUE_SOON_COUNT_SQL, OVERDUE_COUNT_SQL } from './sqlite-status-tally';

const OBLIGATION_INDEXES = `
CREATE INDEX IF NOT EXISTS obligations_by_tenant ON obligations (tenant_id, due_at);
-- The dispatcher's scan: only scheduled rows, by due time, so its cost follows what is due.
CREATE INDEX IF NOT EXISTS obligations_due ON obligations (due_at) WHERE status = 'scheduled';
CREATE INDEX IF NOT EXISTS obligations_by_status ON obligations (status, due_at);
`;
const DROP_OBLIGATION_INDEXES = `
DROP INDEX IF EXISTS obligations_by_tenant;
DROP INDEX IF EXISTS obligations_due;
DROP INDEX IF EXISTS obligations_by_status;
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS obligations (
  obligation_id TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL,
  region        TEXT NOT NULL,
  store         TEXT NOT NULL,
  status        TEXT NOT NULL,
  due_at        TEXT NOT NULL,
  deadline      TEXT NOT NULL,
  detail        TEXT NOT NULL
) WITHOUT ROWID;
${OBLIGATION_INDEXES}
CREATE TABLE IF NOT EXISTS published_commands (
  command_id   TEXT PRIMARY KEY,
  published_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_checkpoint (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position TEXT NOT NULL
);
`;

// The fold keeps an obligation's commands in `detail.commands`, ordered by attempt.
const LAST_COMMAND_ID = `json_extract(o.detail, '$.commands[#-1].commandId')`;
// Attempts since the operator's last retry, which restarts the budget (attemptsSinceRetry in libs/retention).
const ATTEMPTS = `(SELECT count(*) FROM json_each(o.detail, '$.commands') c
  WHERE json_extract(c.value, '$.issuedAt') >= coalesce(json_extract(o.detail, '$.retriedAt'), ''))`;

interface Row {
  obligation_id: string;
  tenant_id: string;
  region: string;
  store: string;
  status: string;
  due_at: string;
  deadline: string;
  detail: string;
}

type StoredRow = Pick<Row, 'obligation_id' | 'status' | 'deadline' | 'detail'>;

function toRecord(r: Row): ObligationRecord {
  return {
    obligationId: r.obligation_id,
    tenantId: r.tenant_id,
    region: r.region,
    store: r.store,
    status: storedStatus(r.status, r.obligation_id),
    dueAt: r.due_at,
    deadline: r.deadline,
    detail: JSON.parse(r.detail),
  };
}

/** The obligations read model in a SQLite file (the embedded default). */
export class SqliteReadModel implements ReadModel {
  private readonly db: Database.Database;
  private byTenant: Database.Statement<[string], Row> | undefined;
  private storedByTenant: Database.Statement<[string], StoredRow> | undefined;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly setCheckpoint: Database.Statement;
  private readonly writeTx: (change: ProjectionWrite) => void;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // A read model can be rebuilt from the ledger: NORMAL is durable enough and faster.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.upsert = this.db.prepare(
      `INSERT INTO obligations (obligation_id, tenant_id, region, store, status, due_at, deadline, detail)
       VALUES (@obligationId, @tenantId, @region, @store, @status, @dueAt, @deadline, @detail)
       ON CONFLICT (obligation_id) DO UPDATE SET status = excluded.status, due_at = excluded.due_at,
         deadline = excluded.deadline, detail = excluded.detail, region = excluded.region, store = excluded.store`,
    );
    this.remove = this.db.prepare('DELETE FROM obligations WHERE obligation_id = ?');
    this.setCheckpoint = this.db.prepare(
      'INSERT INTO projection_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
    );
    this.writeTx = this.db.transaction((change: ProjectionWrite) => {
      for (const o of change.upserts) this.upsert.run({ ...o, detail: JSON.stringify(o.detail) });
      for (const id of change.removals) this.remove.run(id);
      if (change.checkpoint !== undefined) this.setCheckpoint.run(change.checkpoint);
    });
  }

  async write(change: ProjectionWrite): Promise<void> {
    this.writeTx(change);
  }

  async checkpoint(): Promise<string | undefined> {
    const row = this.db.prepare('SELECT position FROM projection_checkpoint WHERE id = 1').get() as
      { position: string } | undefined;
    return row?.position;
  }

  async obligations(tenantId: string): Promise<ObligationRecord[]> {
    // Prepared once: compiling it showed in the API's profile under load (one per request).
    this.byTenant ??= this.db.prepare<[string], Row>(
      'SELECT * FROM obligations WHERE tenant_id = ? ORDER BY due_at, obligation_id',
    );
    return this.byTenant.all(tenantId).map(toRecord);
  }

  async storedObligations(tenantId: string): Promise<StoredObligation[]> {
    this.storedByTenant ??= this.db.prepare<[string], StoredRow>(
      `SELECT obligation_id, status, deadline, detail FROM obligations
       WHERE tenant_id = ? ORDER BY due_at, obligation_id`,
    );
    return this.storedByTenant.all(tenantId).map((r) => ({
      obligationId: r.obligation_id,
      status: storedStatus(r.status, r.obligation_id),
      deadline: r.deadline,
      detailJson: r.detail,
    }));
  }

  async obligationIds(tenantId: string): Promise<string[]> {
    return this.db
      .prepare('SELECT obligation_id FROM obligations WHERE tenant_id = ?')
      .pluck()
      .all(tenantId) as string[];
  }

  async obligation(obligationId: string): Promise<ObligationRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM obligations WHERE obligation_id = ?').get(obligationId) as
      Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  async due(now: Date, limit: number): Promise<ObligationRecord[]> {
    // The scheduled branch of `decide` (libs/retention/src/dispatch). Holds win without a
    // filter here: a held obligation has status `held` (the fold's `holdSuspends`), never `scheduled`.
    const rows = this.db
      .prepare(
        `SELECT * FROM obligations INDEXED BY obligations_due
         WHERE status = 'scheduled' AND due_at <= ? ORDER BY due_at LIMIT ?`,
      )
      .all(now.toISOString(), limit) as Row[];
    return rows.map(toRecord);
  }

  async withStatus(status: ObligationStatus, limit: number): Promise<ObligationRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM obligations WHERE status = ? ORDER BY due_at LIMIT ?')
      .all(status, limit) as Row[];
    return rows.map(toRecord);
  }

  async markPublished(commandIds: string[], at: Date): Promise<void> {
    const stmt = this.db.prepare(
      'INSERT OR IGNORE INTO published_commands (command_id, published_at) VALUES (?, ?)',
    );
    this.db.transaction(() => commandIds.forEach((id) => stmt.run(id, at.toISOString())))();
  }

  async published(commandIds: string[]): Promise<Set<string>> {
    const stmt = this.db.prepare('SELECT 1 FROM published_commands WHERE command_id = ?').pluck();
    return new Set(commandIds.filter((id) => stmt.get(id) !== undefined));
  }

  async unpublishedIssued(limit: number): Promise<ObligationRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT o.* FROM obligations o WHERE o.status = 'issued' AND NOT EXISTS (
           SELECT 1 FROM published_commands p WHERE p.command_id = ${LAST_COMMAND_ID})
         ORDER BY o.due_at LIMIT ?`,
      )
      .all(limit) as Row[];
    return rows.map(toRecord);
  }

  async awaitingReceipt(
    publishedBefore: Date,
    maxAttempts: number,
    limit: number,
  ): Promise<Array<ObligationRecord & { lastPublishedAt: string }>> {
    // The SQL side of the receipt-timeout branch of `decide` (libs/retention/src/dispatch).
    const rows = this.db
      .prepare(
        `SELECT o.*, p.published_at FROM obligations o JOIN published_commands p ON p.command_id = ${LAST_COMMAND_ID}
         WHERE o.status = 'issued' AND p.published_at <= ? AND ${ATTEMPTS} < ?
         ORDER BY p.published_at LIMIT ?`,
      )
      .all(publishedBefore.toISOString(), maxAttempts, limit) as Array<Row & { published_at: string }>;
    return rows.map((r) => ({ ...toRecord(r), lastPublishedAt: new Date(r.published_at).toISOString() }));
  }

  async retryable(maxAttempts: number, limit: number): Promise<ObligationRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT o.* FROM obligations o WHERE o.status = 'failed' AND ${ATTEMPTS} < ?
         ORDER BY json_extract(o.detail, '$.failedAt'), o.due_at LIMIT ?`,
      )
      .all(maxAttempts, limit) as Row[];
    return rows.map(toRecord);
  }

  async countRetriesExhausted(maxAttempts: number): Promise<number> {
    return this.db
      .prepare(`SELECT count(*) FROM obligations o WHERE o.status = 'failed' AND ${ATTEMPTS} >= ?`)
      .pluck()
      .get(maxAttempts) as number;
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const rows = this.db.prepare(COUNTS_BY_STATUS_SQL).all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async dueSoonCount(now: Date, withinMs: number): Promise<number> {
    return this.db
      .prepare(DUE_SOON_COUNT_SQL)
      .pluck()
      .get(now.toISOString(), new Date(now.getTime() + withinMs).toISOString()) as number;
  }

  async overdueCount(now: Date): Promise<number> {
    return this.db.prepare(OVERDUE_COUNT_SQL).pluck().get(now.toISOString()) as number;
  }

  /**
   * Obligation ids are hashes: inserted as they come, every row lands on a random page of
   * the table and of its indexes, and each commit rewrites most pages (measured: ~45 µs a
   * row for 166k rows). A load appends to a temporary table instead, then moves the rows
   * in sorted by id, with the indexes dropped and built again afterwards (~17 µs a row).
   */
  async load(): Promise<ReadModelLoad> {
    const db = this.db;
    db.exec(`DROP TABLE IF EXISTS temp.obligations_load;
      CREATE TEMP TABLE obligations_load (obligation_id TEXT, tenant_id TEXT, region TEXT, store TEXT,
        status TEXT, due_at TEXT, deadline TEXT, detail TEXT);`);
    const insert = db.prepare('INSERT INTO temp.obligations_load VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const add = db.transaction((records: ObligationRecord[]) => {
      for (const o of records)
        insert.run(
          o.obligationId,
          o.tenantId,
          o.region,
          o.store,
          o.status,
          o.dueAt,
          o.deadline,
          JSON.stringify(o.detail),
        );
    });
    const commit = db.transaction((checkpoint: string | undefined) => {
      db.exec(`DELETE FROM obligations; DELETE FROM projection_checkpoint; ${DROP_OBLIGATION_INDEXES}`);
      db.exec(`INSERT INTO obligations (obligation_id, tenant_id, region, store, status, due_at, deadline, detail)
        SELECT * FROM temp.obligations_load ORDER BY obligation_id`);
      db.exec(OBLIGATION_INDEXES);
      if (checkpoint !== undefined) this.setCheckpoint.run(checkpoint);
    });
    return {
      add: async (records) => add(records),
      commit: async (checkpoint) => {
        commit(checkpoint);
        db.exec('DROP TABLE temp.obligations_load');
      },
      abort: async () => void db.exec('DROP TABLE IF EXISTS temp.obligations_load'),
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
