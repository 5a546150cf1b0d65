import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { schemaLockName } from '@app/config/pg-pool';
import { openLedger } from '@app/ledger';
import { openKeyStore, openLeaseStore, openReadModel } from '@app/read-model';
import { openSubjectKeyStore } from '@app/subject-keys';
import { waitFor } from './support/kafka';
import { dropSchema, PG_BASE, pgQuery } from './support/postgres';

/**
 * Every PostgreSQL store creates its tables under the one advisory lock of its schema
 * (createInSchema), so processes opening different stores of one schema at once never
 * race on CREATE … IF NOT EXISTS (pg_namespace_nspname_index). Shown the way it matters:
 * while another session holds the schema's lock, the open waits for it.
 */
const openers: Array<[string, (url: string) => Promise<{ close(): Promise<void> }>]> = [
  ['ledger', (url) => openLedger(url)],
  ['read model', (url) => openReadModel(url)],
  ['leases', (url) => openLeaseStore(url)],
  ['API keys', (url) => openKeyStore(url)],
  ['subject keys', (url) => openSubjectKeyStore(url)],
];

describe('PostgreSQL stores create their tables under the schema lock', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  it.each(openers)('%s: an open waits while another session holds the lock', async (_name, open) => {
    const id = randomBytes(5).toString('hex');
    const schema = `schema_lock_${id}`;
    const appName = `rl-test-schema-lock-${id}`;
    schemas.push(schema);
    const holder = new Client({ connectionString: PG_BASE, application_name: 'rl-test-admin' });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock(hashtext($1))', [schemaLockName(schema)]);
    let opened = false;
    const opening = open(`${PG_BASE}?schema=${schema}&application_name=${appName}`).then((store) => {
      opened = true;
      return store;
    });
    try {
      const waiting = () =>
        pgQuery<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
          [appName],
        ).then(([row]) => row.n);
      const seen = await waitFor(
        async () => ({ waiting: await waiting(), opened }),
        (s) => s.waiting > 0 || s.opened,
        20_000,
        'the open to wait on the schema lock',
      );
      expect(seen).toEqual({ waiting: 1, opened: false });
    } finally {
      // Ending the session releases its lock: the open goes on and its store is closed.
      await holder.end();
      await (await opening).close();
    }
  });
});
