import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ObligationRecord, ProjectionWrite, ReadModel } from '../obligation-record';

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
CREATE INDEX IF NOT EXISTS obligations_by_tenant ON obligations (tenant_id, due_at);
-- The dispatcher's scan: only scheduled rows, by due time, so its cost follows what is due.
CREATE INDEX IF NOT EXISTS obligations_due ON obligations (due_at) WHERE status = 'scheduled';
CREATE TABLE IF NOT EXISTS projection_checkpoint (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position TEXT NOT NULL
);
`;

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

function toRecord(r: Row): ObligationRecord {
  return {
    obligationId: r.obligation_id,
    tenantId: r.tenant_id,
    region: r.region,
    store: r.store,
    status: r.status,
    dueAt: r.due_at,
    deadline: r.deadline,
    detail: JSON.parse(r.detail),
  };
}

/** The obligations read model in a SQLite file (the embedded default). */
export class SqliteReadModel implements ReadModel {
  private readonly db: Database.Database;
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
      this.setCheckpoint.run(change.checkpoint);
    });
  }

  async write(change: ProjectionWrite): Promise<void> {
    this.writeTx(change);
  }

  async checkpoint(): Promise<string | undefined> {
    const row = this.db.prepare('SELECT position FROM projection_checkpoint WHERE id = 1').get() as
      | { position: string }
      | undefined;
    return row?.position;
  }

  async obligations(tenantId: string): Promise<ObligationRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM obligations WHERE tenant_id = ? ORDER BY due_at, obligation_id')
      .all(tenantId) as Row[];
    return rows.map(toRecord);
  }

  async obligation(obligationId: string): Promise<ObligationRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM obligations WHERE obligation_id = ?').get(obligationId) as
      | Row
      | undefined;
    return row ? toRecord(row) : undefined;
  }

  async due(now: Date, limit: number): Promise<ObligationRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM obligations INDEXED BY obligations_due
         WHERE status = 'scheduled' AND due_at <= ? ORDER BY due_at LIMIT ?`,
      )
      .all(now.toISOString(), limit) as Row[];
    return rows.map(toRecord);
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM obligations GROUP BY status').all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async reset(): Promise<void> {
    this.db.exec('DELETE FROM obligations; DELETE FROM projection_checkpoint;');
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
