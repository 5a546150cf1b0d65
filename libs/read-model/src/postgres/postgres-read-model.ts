import type { Pool } from 'pg';
import { createInSchema, createPgPool } from '@app/config/pg-pool';
import {
  ObligationRecord,
  ProjectionWrite,
  ReadModel,
  ReadModelLoad,
  StoredObligation,
  storedStatus,
} from '../obligation-record';
import { OWED_SQL } from '../owed-sql';
import type { Obligation, ObligationStatus } from '@app/retention';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

function schemaSql(schema: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.obligations (
  obligation_id TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL,
  region        TEXT NOT NULL,
  store         TEXT NOT NULL,
  status        TEXT NOT NULL,
  due_at        TIMESTAMPTZ NOT NULL,
  deadline      TIMESTAMPTZ NOT NULL,
  detail        JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS obligations_by_tenant ON ${schema}.obligations (tenant_id, due_at);
CREATE INDEX IF NOT EXISTS obligations_due ON ${schema}.obligations (due_at) WHERE status = 'scheduled';
CREATE INDEX IF NOT EXISTS obligations_by_status ON ${schema}.obligations (status, due_at);
CREATE TABLE IF NOT EXISTS ${schema}.published_commands (
  command_id TEXT PRIMARY KEY,
  published_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS ${schema}.projection_checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  position TEXT NOT NULL
);`;
}

// The fold keeps an obligation's commands in `detail.commands`, ordered by attempt.
const LAST_COMMAND_ID = `o.detail->'commands'->-1->>'commandId'`;
// Attempts since the operator's last retry, which restarts the budget (attemptsSinceRetry in libs/retention).
const ATTEMPTS = `(SELECT count(*) FROM jsonb_array_elements(coalesce(o.detail->'commands', '[]'::jsonb)) c
  WHERE c->>'issuedAt' >= coalesce(o.detail->>'retriedAt', ''))`;

interface Row {
  obligation_id: string;
  tenant_id: string;
  region: string;
  store: string;
  status: string;
  due_at: Date;
  deadline: Date;
  detail: Obligation;
}

function toRecord(r: Row): ObligationRecord {
  return {
    obligationId: r.obligation_id,
    tenantId: r.tenant_id,
    region: r.region,
    store: r.store,
    status: storedStatus(r.status, r.obligation_id),
    dueAt: r.due_at.toISOString(),
    deadline: r.deadline.toISOString(),
    detail: r.detail,
  };
}

/** Inserts the rows of `recordsJson` ($1) into `table`. */
function insertSql(table: string): string {
  return `INSERT INTO ${table} (obligation_id, tenant_id, region, store, status, due_at, deadline, detail)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(obligation_id text, tenant_id text, region text,
      store text, status text, due_at timestamptz, deadline timestamptz, detail jsonb)`;
}

function recordsJson(records: ObligationRecord[]): string {
  return JSON.stringify(
    records.map((o) => ({
      obligation_id: o.obligationId,
      tenant_id: o.tenantId,
      region: o.region,
      store: o.store,
      status: o.status,
      due_at: o.dueAt,
      deadline: o.deadline,
      detail: o.detail,
    })),
  );
}

/** The obligations read model in PostgreSQL (`postgres://…?schema=name`, default schema `retention`). */
export class PostgresReadModel implements ReadModel {
  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  static async connect(url: string, onConnectionError?: (err: Error) => void): Promise<PostgresReadModel> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'retention';
    if (!IDENT.test(schema)) throw new Error(`READ_MODEL_URL: schema must match ${IDENT}, got "${schema}"`);
    parsed.searchParams.delete('schema');
    const pool = createPgPool(parsed.toString(), {
      max: 4,
      applicationName: 'read-model',
      onConnectionError,
    });
    try {
      await createInSchema(pool, schema, schemaSql(schema));
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresReadModel(pool, schema);
  }

  async write(change: ProjectionWrite): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const s = this.schema;
      for (let i = 0; i < change.upserts.length; i += 500) {
        const chunk = change.upserts.slice(i, i + 500);
        await client.query(
          `${insertSql(`${s}.obligations`)}
           ON CONFLICT (obligation_id) DO UPDATE SET status = excluded.status, due_at = excluded.due_at,
             deadline = excluded.deadline, detail = excluded.detail, region = excluded.region, store = excluded.store`,
          [recordsJson(chunk)],
        );
      }
      if (change.removals.length > 0) {
        await client.query(`DELETE FROM ${s}.obligations WHERE obligation_id = ANY($1)`, [change.removals]);
      }
      if (change.checkpoint !== undefined)
        await client.query(
          `INSERT INTO ${s}.projection_checkpoint (id, position) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position`,
          [change.checkpoint],
        );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async checkpoint(): Promise<string | undefined> {
    const r = await this.pool.query(`SELECT position FROM ${this.schema}.projection_checkpoint WHERE id = 1`);
    return r.rows[0]?.position;
  }

  async obligations(tenantId: string): Promise<ObligationRecord[]> {
    const r = await this.pool.query<Row>(
      `SELECT * FROM ${this.schema}.obligations WHERE tenant_id = $1 ORDER BY due_at, obligation_id`,
      [tenantId],
    );
    return r.rows.map(toRecord);
  }

  async storedObligations(tenantId: string): Promise<StoredObligation[]> {
    // detail::text: jsonb's own text, the key order JSON.parse of the jsonb value gives too.
    const r = await this.pool.query<{
      obligation_id: string;
      status: string;
      deadline: Date;
      detail: string;
    }>(
      `SELECT obligation_id, status, deadline, detail::text AS detail FROM ${this.schema}.obligations
       WHERE tenant_id = $1 ORDER BY due_at, obligation_id`,
      [tenantId],
    );
    return r.rows.map((row) => ({
      obligationId: row.obligation_id,
      status: storedStatus(row.status, row.obligation_id),
      deadline: row.deadline.toISOString(),
      detailJson: row.detail,
    }));
  }

  async obligationIds(tenantId: string): Promise<string[]> {
    const r = await this.pool.query<{ obligation_id: string }>(
      `SELECT obligation_id FROM ${this.schema}.obligations WHERE tenant_id = $1`,
      [tenantId],
    );
    return r.rows.map((x) => x.obligation_id);
  }

  async obligation(obligationId: string): Promise<ObligationRecord | undefined> {
    const r = await this.pool.query<Row>(
      `SELECT * FROM ${this.schema}.obligations WHERE obligation_id = $1`,
      [obligationId],
    );
    return r.rows[0] ? toRecord(r.rows[0]) : undefined;
  }

  async due(now: Date, limit: number): Promise<ObligationRecord[]> {
    // The scheduled branch of `decide` (libs/retention/src/dispatch). Holds win without a
    // filter here: a held obligation has status `held` (the fold's `holdSuspends`), never `scheduled`.
    const r = await this.pool.query<Row>(
      `SELECT * FROM ${this.schema}.obligations WHERE status = 'scheduled' AND due_at <= $1 ORDER BY due_at LIMIT $2`,
      [now, limit],
    );
    return r.rows.map(toRecord);
  }

  async withStatus(status: ObligationStatus, limit: number): Promise<ObligationRecord[]> {
    const r = await this.pool.query<Row>(
      `SELECT * FROM ${this.schema}.obligations WHERE status = $1 ORDER BY due_at LIMIT $2`,
      [status, limit],
    );
    return r.rows.map(toRecord);
  }

  async markPublished(commandIds: string[], at: Date): Promise<void> {
    if (commandIds.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.schema}.published_commands (command_id, published_at)
       SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
      [commandIds, at],
    );
  }

  async published(commandIds: string[]): Promise<Set<string>> {
    const r = await this.pool.query<{ command_id: string }>(
      `SELECT command_id FROM ${this.schema}.published_commands WHERE command_id = ANY($1)`,
      [commandIds],
    );
    return new Set(r.rows.map((x) => x.command_id));
  }

  async unpublishedIssued(limit: number): Promise<ObligationRecord[]> {
    const s = this.schema;
    const r = await this.pool.query<Row>(
      `SELECT o.* FROM ${s}.obligations o WHERE o.status = 'issued' AND NOT EXISTS (
         SELECT 1 FROM ${s}.published_commands p WHERE p.command_id = ${LAST_COMMAND_ID})
       ORDER BY o.due_at LIMIT $1`,
      [limit],
    );
    return r.rows.map(toRecord);
  }

  async awaitingReceipt(
    publishedBefore: Date,
    maxAttempts: number,
    limit: number,
  ): Promise<Array<ObligationRecord & { lastPublishedAt: string }>> {
    const s = this.schema;
    // The SQL side of the receipt-timeout branch of `decide` (libs/retention/src/dispatch).
    const r = await this.pool.query<Row & { published_at: Date }>(
      `SELECT o.*, p.published_at FROM ${s}.obligations o JOIN ${s}.published_commands p ON p.command_id = ${LAST_COMMAND_ID}
       WHERE o.status = 'issued' AND p.published_at <= $1 AND ${ATTEMPTS} < $2
       ORDER BY p.published_at LIMIT $3`,
      [publishedBefore, maxAttempts, limit],
    );
    return r.rows.map((row) => ({ ...toRecord(row), lastPublishedAt: row.published_at.toISOString() }));
  }

  async retryable(maxAttempts: number, limit: number): Promise<ObligationRecord[]> {
    const r = await this.pool.query<Row>(
      `SELECT o.* FROM ${this.schema}.obligations o WHERE o.status = 'failed' AND ${ATTEMPTS} < $1
       ORDER BY o.detail->>'failedAt', o.due_at LIMIT $2`,
      [maxAttempts, limit],
    );
    return r.rows.map(toRecord);
  }

  async countRetriesExhausted(maxAttempts: number): Promise<number> {
    const r = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.schema}.obligations o WHERE o.status = 'failed' AND ${ATTEMPTS} >= $1`,
      [maxAttempts],
    );
    return Number(r.rows[0].n);
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const r = await this.pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM ${this.schema}.obligations GROUP BY status`,
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  }

  async dueSoonCount(now: Date, withinMs: number): Promise<number> {
    const r = await this.pool.query<{ n: string }>(
      // `isDueSoon` (libs/retention) in SQL.
      `SELECT count(*) AS n FROM ${this.schema}.obligations WHERE deadline >= $1 AND deadline <= $2 AND ${OWED_SQL}`,
      [now, new Date(now.getTime() + withinMs)],
    );
    return Number(r.rows[0].n);
  }

  async overdueCount(now: Date): Promise<number> {
    const r = await this.pool.query<{ n: string }>(
      // `isOverdue` (libs/retention) in SQL.
      `SELECT count(*) AS n FROM ${this.schema}.obligations WHERE deadline < $1 AND ${OWED_SQL}`,
      [now],
    );
    return Number(r.rows[0].n);
  }

  /** Loads into an unlogged table of its own, then swaps its rows in with one transaction. */
  async load(): Promise<ReadModelLoad> {
    const s = this.schema;
    const staging = `${s}.obligations_load`;
    await this.pool.query(
      `DROP TABLE IF EXISTS ${staging}; CREATE UNLOGGED TABLE ${staging} (LIKE ${s}.obligations)`,
    );
    return {
      add: async (records) => {
        for (let i = 0; i < records.length; i += 500)
          await this.pool.query(insertSql(staging), [recordsJson(records.slice(i, i + 500))]);
      },
      commit: async (checkpoint) => {
        const client = await this.pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`TRUNCATE ${s}.obligations, ${s}.projection_checkpoint`);
          await client.query(`INSERT INTO ${s}.obligations SELECT * FROM ${staging}`);
          if (checkpoint !== undefined)
            await client.query(`INSERT INTO ${s}.projection_checkpoint (id, position) VALUES (1, $1)`, [
              checkpoint,
            ]);
          await client.query(`DROP TABLE ${staging}`);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      abort: async () => {
        await this.pool.query(`DROP TABLE IF EXISTS ${staging}`);
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
