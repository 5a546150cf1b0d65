import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require('../../deploy/kafka/broker.js');

/** The shared test cluster (trust auth). Never restarted by a test: outages are simulated per connection. */
export const PG_BASE = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A schema and an `application_name` of this test's own: the URLs carry both, so the
 * services' pools name their connections and a test can cut exactly those.
 */
export function pgScope(label: string): {
  schemas: string[];
  appName: string;
  ledgerUrl: string;
  readModelUrl: string;
} {
  const id = randomBytes(5).toString('hex');
  const appName = `rl-test-${label}-${id}`;
  const ledger = `${label}_${id}_ledger`;
  const readModel = `${label}_${id}_rm`;
  const url = (schema: string) => `${PG_BASE}?schema=${schema}&application_name=${appName}`;
  return { schemas: [ledger, readModel], appName, ledgerUrl: url(ledger), readModelUrl: url(readModel) };
}

async function withClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_BASE, application_name: 'rl-test-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * What a PostgreSQL restart or failover does to a service, limited to the connections
 * whose application_name starts with `appName` (ours only: the cluster is shared).
 * Returns how many server connections were terminated.
 */
export function terminateConnections(appName: string): Promise<number> {
  return withClient(async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
       WHERE application_name LIKE $1 || '%' AND pid <> pg_backend_pid()`,
      [appName],
    );
    return Number(r.rows[0].n);
  });
}

export function connectionCount(appName: string): Promise<number> {
  return withClient(async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE $1 || '%'`,
      [appName],
    );
    return Number(r.rows[0].n);
  });
}

export function pgQuery<T extends object>(sql: string, values: unknown[] = []): Promise<T[]> {
  return withClient(async (c) => (await c.query<T>(sql, values)).rows);
}

export function dropSchema(schema: string): Promise<void> {
  return withClient(async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
}

/**
 * A TCP port nothing listens on right now, below the kernel's ephemeral range (so no client
 * socket takes it before the listener binds: see deploy/kafka/broker.js `freePort`).
 */
export function freePort(): Promise<number> {
  return broker.freePort(1) as Promise<number>;
}
