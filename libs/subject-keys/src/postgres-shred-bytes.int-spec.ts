import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PostgresSubjectKeyStore } from './postgres-subject-key-store';
import { filesContaining, subjectIds } from './testing/byte-scan';

/*
 * The PostgreSQL counterpart of the SQLite byte proof, for what PostgreSQL can promise:
 * after a shred (DELETE, then VACUUM FULL of the key table) the table's and its indexes'
 * live files hold no byte of a shredded id or key, and the files the rewrite replaced are
 * empty. The WAL is outside this promise (docs/subject-data.md). Reading the files needs
 * the data directory on this machine and readable (CI runs as root next to the cluster);
 * where it is not, the test says so and is skipped.
 */
const admin = 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `subject_keys_scan_${randomBytes(4).toString('hex')}`;
let dataDir = '';
let readable = false;

beforeAll(async () => {
  const c = new Client({ connectionString: admin });
  await c.connect();
  dataDir = (await c.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory ?? '';
  await c.end();
  try {
    fs.accessSync(path.join(dataDir, 'base'), fs.constants.R_OK);
    readable = true;
  } catch {
    process.stderr.write(`postgres-shred-bytes: ${dataDir} not readable here, byte scan skipped\n`);
  }
});

afterAll(async () => {
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

it('ANALYZE keeps no sample of subject ids or keys in pg_statistic (a copy no shred would reach)', async () => {
  const store = await PostgresSubjectKeyStore.connect(`${admin}?schema=${schema}`);
  const c = new Client({ connectionString: admin });
  await c.connect();
  try {
    const ids = subjectIds(300, 'pgstat');
    await store.pseudonymsFor(
      ids.map((subjectId) => ({ tenantId: 'acme', subjectId })),
      new Date(),
    );
    await c.query(`ANALYZE ${schema}.subject_keys`);
    const stats = await c.query<{ attname: string; sampled: boolean }>(
      `SELECT a.attname, (s.stakind1 + s.stakind2 + s.stakind3 + s.stakind4 + s.stakind5) > 0 AS sampled
         FROM pg_statistic s JOIN pg_attribute a ON a.attrelid = s.starelid AND a.attnum = s.staattnum
        WHERE s.starelid = $1::regclass`,
      [`${schema}.subject_keys`],
    );
    const byColumn = Object.fromEntries(stats.rows.map((r) => [r.attname, r.sampled]));
    // Control: ANALYZE did sample the other columns.
    expect(byColumn.pseudonym).toBe(true);
    expect(byColumn.subject_id).toBeUndefined();
    expect(byColumn.data_key).toBeUndefined();
  } finally {
    await c.end();
    await store.close();
  }
});

it('after a shred batch, no shredded id or key byte is in the key table or its index files', async () => {
  if (!readable) return;
  const store = await PostgresSubjectKeyStore.connect(`${admin}?schema=${schema}`);
  const c = new Client({ connectionString: admin });
  await c.connect();
  try {
    const ids = subjectIds(1500, 'pgscan');
    const grants = await store.pseudonymsFor(
      ids.map((subjectId) => ({ tenantId: 'acme', subjectId })),
      new Date(),
    );
    const keyOf = new Map(
      (
        await c.query<{ subject_id: string; data_key: Buffer }>(
          `SELECT subject_id, data_key FROM ${schema}.subject_keys`,
        )
      ).rows.map((r) => [r.subject_id, r.data_key]),
    );
    const victims = ids.filter((_, i) => i % 5 === 2);
    const needles = victims.flatMap((id) => [Buffer.from(id), keyOf.get(id) as Buffer]);
    // Control: an empty shred batch still rewrites the table, which writes its files to disk: the scan sees every victim.
    await store.shred('acme', [], new Date());
    // The files of the key table, its indexes and its TOAST table, relative to the data directory.
    const files = async () =>
      (
        await c.query<{ path: string | null }>(
          `SELECT pg_relation_filepath(oid) AS path FROM pg_class
            WHERE oid = $1::regclass OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = $1::regclass)
               OR oid = (SELECT reltoastrelid FROM pg_class WHERE oid = $1::regclass)`,
          [`${schema}.subject_keys`],
        )
      ).rows.flatMap((r) => (r.path === null ? [] : [path.join(dataDir, r.path)]));
    const before = await files();
    expect(filesContaining(before, needles).size).toBe(needles.length);

    const outcomes = await store.shred(
      'acme',
      victims.map((id) => grants[ids.indexOf(id)]?.pseudonym as string),
      new Date(),
    );
    expect(outcomes.every((o) => o.status === 'shredded')).toBe(true);
    // VACUUM FULL must keep a deleted row that a transaction older than the DELETE can still
    // see. On this shared cluster (CI runs other PostgreSQL tests beside this one) such a
    // transaction may be open: the bytes go with the first rewrite after it ends
    // (docs/subject-data.md). Wait for that, then rewrite again (an empty shred batch does).
    const shredAt = new Date();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const older = await c.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
          WHERE backend_xmin IS NOT NULL AND xact_start < $1 AND pid <> pg_backend_pid()`,
        [shredAt],
      );
      if (Number(older.rows[0].n) === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (filesContaining(await files(), needles).size > 0) await store.shred('acme', [], new Date());
    const after = await files();
    expect([...filesContaining(after, needles).values()]).toEqual([]);
    // The replaced files are truncated at commit (unlinked at the next checkpoint).
    for (const old of before) expect(fs.existsSync(old) ? fs.statSync(old).size : 0).toBe(0);
    // The survivors are in the new files: the scan is looking at the right bytes.
    const survivors = ids.filter((id) => !victims.includes(id)).map((id) => Buffer.from(id));
    expect(filesContaining(after, survivors).size).toBe(survivors.length);
  } finally {
    await c.end();
    await store.close();
  }
});
