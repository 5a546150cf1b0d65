import { existsSync } from 'node:fs';
import type { Checkpoint } from './checkpoint';

/**
 * Where the operator keeps the checkpoints it made (next to the ledger: a table in its
 * SQLite file or PostgreSQL schema), so the API can serve the latest and `export` can
 * find one that covers a tenant. Auditors keep their own copies (the topic, files): this
 * store is a convenience, never what proof rests on.
 */
export interface CheckpointStore {
  add(checkpoint: Checkpoint): Promise<void>;
  latest(): Promise<Checkpoint | undefined>;
  /**
   * The latest checkpoint's `createdAt`, without reading its body (every stream head): for the
   * metrics. Absent on a store that keeps nothing (EventStoreDB ledgers), so no gauge claims an age.
   */
  latestCreatedAt?(): Promise<string | undefined>;
  close(): Promise<void>;
}

const TABLE = `CREATE TABLE IF NOT EXISTS ledger_checkpoints (
  id         INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  body       TEXT NOT NULL
)`;

class SqliteCheckpointStore implements CheckpointStore {
  constructor(private readonly path: string) {}

  private async open(readonly: boolean) {
    const { default: Database } = await import('better-sqlite3');
    return new Database(this.path, { readonly, fileMustExist: true, timeout: 5000 });
  }

  async add(checkpoint: Checkpoint): Promise<void> {
    const db = await this.open(false);
    try {
      db.exec(TABLE);
      db.prepare('INSERT INTO ledger_checkpoints (created_at, body) VALUES (?, ?)').run(
        checkpoint.createdAt,
        JSON.stringify(checkpoint),
      );
    } finally {
      db.close();
    }
  }

  async latest(): Promise<Checkpoint | undefined> {
    const body = await this.latestColumn('body');
    return body === undefined ? undefined : (JSON.parse(body) as Checkpoint);
  }

  latestCreatedAt(): Promise<string | undefined> {
    return this.latestColumn('created_at');
  }

  private async latestColumn(column: 'body' | 'created_at'): Promise<string | undefined> {
    if (!existsSync(this.path)) return undefined;
    const db = await this.open(true);
    try {
      const exists = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_checkpoints'")
        .get();
      if (exists === undefined) return undefined;
      return db.prepare(`SELECT ${column} FROM ledger_checkpoints ORDER BY id DESC LIMIT 1`).pluck().get() as
        string | undefined;
    } finally {
      db.close();
    }
  }

  async close(): Promise<void> {}
}

class PostgresCheckpointStore implements CheckpointStore {
  private created = false;

  private constructor(
    private readonly pool: import('pg').Pool,
    private readonly schema: string,
    private readonly table: string,
  ) {}

  static async open(url: string): Promise<PostgresCheckpointStore> {
    const { Pool } = await import('pg');
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'public';
    parsed.searchParams.delete('schema');
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const { guardPgPool } = await import('@app/config/pg-pool');
    // Guarded: a lost connection (a PostgreSQL restart) must not kill the process (issue 8).
    const pool = guardPgPool(
      new Pool({
        connectionString: parsed.toString(),
        max: 1,
        application_name: 'ledger-checkpoints',
      }),
    );
    return new PostgresCheckpointStore(pool, schema, `"${schema}".ledger_checkpoints`);
  }

  async add(checkpoint: Checkpoint): Promise<void> {
    if (!this.created) {
      // Under the schema's lock: two projectors' checkpointers may create it at the same moment.
      const { createInSchema } = await import('@app/config/pg-pool');
      await createInSchema(
        this.pool,
        this.schema,
        `CREATE TABLE IF NOT EXISTS ${this.table} (id BIGSERIAL PRIMARY KEY, created_at TEXT NOT NULL, body TEXT NOT NULL)`,
      );
      this.created = true;
    }
    await this.pool.query(`INSERT INTO ${this.table} (created_at, body) VALUES ($1, $2)`, [
      checkpoint.createdAt,
      JSON.stringify(checkpoint),
    ]);
  }

  async latest(): Promise<Checkpoint | undefined> {
    const body = await this.latestColumn('body');
    return body === undefined ? undefined : (JSON.parse(body) as Checkpoint);
  }

  latestCreatedAt(): Promise<string | undefined> {
    return this.latestColumn('created_at');
  }

  private async latestColumn(column: 'body' | 'created_at'): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ exists: string | null }>('SELECT to_regclass($1) AS exists', [
      this.table,
    ]);
    if (rows[0].exists === null) return undefined;
    const latest = await this.pool.query<{ value: string }>(
      `SELECT ${column} AS value FROM ${this.table} ORDER BY id DESC LIMIT 1`,
    );
    return latest.rows[0]?.value;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Keeps nothing (EventStoreDB ledgers): checkpoints still go to files and the topic. */
class NoCheckpointStore implements CheckpointStore {
  async add(): Promise<void> {}
  async latest(): Promise<Checkpoint | undefined> {
    return undefined;
  }
  async close(): Promise<void> {}
}

/** The checkpoint store beside the ledger named by LEDGER_URL. */
export async function openCheckpointStore(ledgerUrl: string): Promise<CheckpointStore> {
  if (ledgerUrl.startsWith('sqlite:')) {
    return new SqliteCheckpointStore(ledgerUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  }
  if (/^postgres(ql)?:\/\//.test(ledgerUrl)) return PostgresCheckpointStore.open(ledgerUrl);
  return new NoCheckpointStore();
}
