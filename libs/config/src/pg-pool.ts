import { Pool } from 'pg';

export interface PgPoolOptions {
  max: number;
  /**
   * Names the connections in pg_stat_activity (`retention-ledger/<what>`), so an operator
   * — or a test — can tell them apart; an `application_name` in the URL or PGAPPNAME wins.
   */
  applicationName: string;
  /** A connection was lost outside any query (idle in the pool, or between queries of a checkout). */
  onConnectionError?: (err: Error) => void;
}

/**
 * A pg Pool that survives its server going away. pg emits `error` on the pool for an
 * idle client whose connection ends, and on a checked-out client between its queries:
 * with no listener, Node turns either into an uncaught exception and the process exits
 * (issue 8). Here both have one; the pool drops the broken client and opens a new
 * connection for the next query, which is how a restart or failover is survived.
 */
export function createPgPool(connectionString: string, opts: PgPoolOptions): Pool {
  const report = (err: Error) => opts.onConnectionError?.(err);
  const pool = new Pool({
    connectionString,
    max: opts.max,
    application_name: process.env.PGAPPNAME ?? `retention-ledger/${opts.applicationName}`,
    // A server that does not answer must fail the query (a transient fault), not hang it.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  return guardPgPool(pool, report);
}

/** The listeners of `createPgPool` for a pool made elsewhere: a lost connection never kills the process. */
export function guardPgPool<P extends Pool>(pool: P, onConnectionError: (err: Error) => void = () => {}): P {
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  return pool;
}

/** The advisory lock under which every process creates or upgrades the tables of `schema`. */
export function schemaLockName(schema: string): string {
  return `retention-ledger:${schema}`;
}

/**
 * Runs idempotent DDL (`CREATE … IF NOT EXISTS`) for `schema` under its advisory lock, in
 * one transaction. IF NOT EXISTS alone does not make concurrent opens safe: two sessions
 * can both find a schema or table missing, and the second insert into the catalog then
 * fails on its unique index (`pg_namespace_nspname_index`, `pg_type_typname_nsp_index`).
 * Every store in a schema (ledger, read model, leases, API keys, checkpoints, subject
 * keys) takes the same lock, so processes starting together — six of them in
 * test/scale-out.e2e-spec.ts — create each object once; test/schema-lock.int-spec.ts
 * shows each open waiting for it.
 */
export async function createInSchema(pool: Pool, schema: string, ddl: string): Promise<void> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [schemaLockName(schema)]);
    await client.query(ddl);
    await client.query('COMMIT');
  } catch (err) {
    failed = err as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    // A client whose connection failed is not given back to the pool.
    client.release(failed);
  }
}
