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
