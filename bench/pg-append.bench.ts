import { Client } from 'pg';
import type { NewEntry } from '@app/contracts/entry-types';
import { PostgresLedgerStore } from '@app/ledger/postgres/postgres-ledger-store';
import { syntheticEntries } from '@app/ledger/testing/synthetic-entries';

const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 1000;

export interface PgAppendFigures {
  entries: number;
  oneWriterPerSec: number;
  twoWritersPerSec: number;
}

/** Appends `parts` (each a writer's share, as partitions would split tenants) with one store per part, at once. */
async function appendParts(schema: string, parts: NewEntry[][]): Promise<number> {
  const stores = await Promise.all(
    parts.map(() => PostgresLedgerStore.open({ connectionString: PG_URL, schema })),
  );
  const started = performance.now();
  await Promise.all(
    parts.map(async (part, w) => {
      for (let i = 0; i < part.length; i += BATCH) await stores[w].appendBatch(part.slice(i, i + BATCH));
    }),
  );
  const ms = performance.now() - started;
  await Promise.all(stores.map((s) => s.close()));
  return (parts.reduce((n, p) => n + p.length, 0) * 1000) / ms;
}

/**
 * The PostgreSQL append path alone (no broker): one writer with every tenant, against
 * two writers with half the tenants each, appending at once into one ledger (what two
 * ingest instances owning different partitions do). Both writers run in this process,
 * so they share its one JS thread: the figure shows the database no longer serialises
 * them, not what two processes on two cores would reach.
 */
export async function benchPgAppend(n: number): Promise<PgAppendFigures> {
  const entries = syntheticEntries(n, 1000);
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  const schemas = [`bench_pg_${Date.now().toString(36)}_1`, `bench_pg_${Date.now().toString(36)}_2`];
  try {
    const oneWriterPerSec = await appendParts(schemas[0], [entries]);
    const halves: NewEntry[][] = [[], []];
    for (const e of entries) halves[Number(e.tenantId.slice(-1)) % 2].push(e);
    const twoWritersPerSec = await appendParts(schemas[1], halves);
    return { entries: n, oneWriterPerSec, twoWritersPerSec };
  } finally {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  }
}
