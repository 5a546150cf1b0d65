import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openKeyStore } from '../keys';
import { openLeaseStore } from '../leases';
import { openReadModel } from '../open-read-model';

const PG = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = 5;
const OPENERS = 4;

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: PG });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Processes started together (test/scale-out.e2e-spec.ts starts six) open the same new
 * read-model schema at one moment: each must create or find every table, none may fail
 * on a catalog index (`CREATE … IF NOT EXISTS` alone races).
 */
describe('PostgreSQL read model, leases and API keys opened at once on a new schema', () => {
  it(`${OPENERS} of each, ${ROUNDS} fresh schemas: every open succeeds`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const schema = `rm_open_${randomBytes(4).toString('hex')}`;
      const url = `${PG}?schema=${schema}`;
      try {
        const opened = await Promise.allSettled(
          Array.from({ length: OPENERS }, () => [
            openReadModel(url),
            openLeaseStore(url),
            openKeyStore(url),
          ]).flat(),
        );
        const failures = opened.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
        await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
        expect({ round, failures }).toEqual({ round, failures: [] });
      } finally {
        await dropSchema(schema);
      }
    }
  });
});
