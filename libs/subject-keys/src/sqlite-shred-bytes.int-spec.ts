import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { SqliteSubjectKeyStore, SubjectShreddedError } from '.';
import { filesContaining, subjectIds } from './testing/byte-scan';

/*
 * The key proof for the SQLite adapter: after a shred, neither the subject identifier's
 * bytes nor the key's bytes are in any byte of the database file, its -wal or its -shm,
 * with many other subjects around (so deleted cells share pages with live ones, pages are
 * split, merged, freed and reused). The controls show that the scan would see them.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-shred-bytes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const t0 = new Date('2026-03-01T10:00:00.000Z');
const fileSet = (file: string) => [file, `${file}-wal`, `${file}-shm`];
let n = 0;
const newFile = () => path.join(dir, `keys-${n++}.db`);

/** The data keys as stored, read by a second connection that is closed again before anything else happens. */
function storedKeys(file: string): Map<string, Buffer> {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT subject_id, data_key FROM subject_keys').all() as Array<{
    subject_id: string;
    data_key: Buffer;
  }>;
  db.close();
  return new Map(rows.map((r) => [r.subject_id, r.data_key]));
}

/** Pseudonyms for `ids` in tenant acme, by subject id. */
async function grant(store: SqliteSubjectKeyStore, ids: readonly string[]): Promise<Map<string, string>> {
  const grants = await store.pseudonymsFor(
    ids.map((subjectId) => ({ tenantId: 'acme', subjectId })),
    t0,
  );
  return new Map(ids.map((id, i) => [id, grants[i]?.pseudonym as string]));
}

/** Round `round`'s victims: every seventh subject granted so far, not yet shredded. */
function victimsOf(pseudonyms: Map<string, string>, shredded: ReadonlySet<string>, round: number): string[] {
  return [...pseudonyms.keys()].filter((id, i) => !shredded.has(id) && i % 7 === round);
}

function describeLeaks(leaks: Map<Buffer, string[]>, victims: string[], keys: Map<string, Buffer>): string[] {
  return [...leaks].map(([needle, files]) => {
    const victim = victims.find((id) => Buffer.from(id).equals(needle) || keys.get(id)?.equals(needle));
    const what = victim !== undefined && Buffer.from(victim).equals(needle) ? 'id' : 'key';
    const where = files.map((f) => {
      const at = fs.readFileSync(f).indexOf(needle);
      return `${path.basename(f)} at byte ${at} (page ${Math.floor(at / 4096) + 1} of 4 KiB)`;
    });
    return `${what} of ${victim}: ${where.join(', ')}`;
  });
}

describe('SQLite subject key store: shredded bytes are in no file', () => {
  it('leaves no subject id or key byte in the db, -wal or -shm after shred batches among thousands of subjects', async () => {
    const file = newFile();
    const store = new SqliteSubjectKeyStore(file);
    const ids = subjectIds(4000, 'scan');
    const pseudonyms = new Map<string, string>();
    // Interleave: create, shred some, create more (reusing the freed pages), shred more.
    const shredded = new Set<string>();
    for (let round = 0; round < 4; round++) {
      for (const [id, p] of await grant(store, ids.slice(round * 1000, (round + 1) * 1000)))
        pseudonyms.set(id, p);
      const keys = storedKeys(file);
      const victims = victimsOf(pseudonyms, shredded, round);
      // Control: before the shred, the scan finds every victim's id and key.
      const before = filesContaining(
        fileSet(file),
        victims.flatMap((id) => [Buffer.from(id), keys.get(id) as Buffer]),
      );
      expect(before.size).toBe(victims.length * 2);
      const outcomes = await store.shred(
        'acme',
        victims.map((id) => pseudonyms.get(id) as string),
        t0,
      );
      expect(outcomes.every((o) => o.status === 'shredded')).toBe(true);
      victims.forEach((id) => shredded.add(id));
      const needles = victims.flatMap((id) => [Buffer.from(id, 'utf8'), keys.get(id) as Buffer]);
      const leaks = filesContaining(fileSet(file), needles);
      // Which victim's id or key, where: a leak was met once in a CI run and not reproduced.
      expect(describeLeaks(leaks, victims, keys)).toEqual([]);
      expect(fs.statSync(`${file}-wal`).size).toBe(0);
    }
    // Everyone else is still there and readable.
    const survivors = ids.filter((id) => !shredded.has(id));
    expect(
      filesContaining(
        fileSet(file),
        survivors.map((id) => Buffer.from(id)),
      ).size,
    ).toBe(survivors.length);
    await store.close();
    expect(
      filesContaining(
        fileSet(file),
        [...shredded].map((id) => Buffer.from(id)),
      ).size,
    ).toBe(0);
  });

  it('a reader holding the WAL: the shred is committed, says so (transient), and its retry truncates the WAL', async () => {
    const file = newFile();
    const store = new SqliteSubjectKeyStore(file, { busyTimeoutMs: 50 });
    const ids = subjectIds(300, 'busy');
    const victim = (await grant(store, ids)).get(ids[150] as string) as string;
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM subject_keys').get(); // holds a snapshot from before the shred
    await expect(store.shred('acme', [victim], t0)).rejects.toMatchObject({
      name: 'TransientError',
      retriable: true,
      message: expect.stringMatching(/reader still holds the SQLite WAL/),
    });
    expect((await store.lookup('acme', victim)).state).toBe('shredded');
    expect(filesContaining(fileSet(file), [Buffer.from(ids[150] as string)]).size).toBe(1);
    reader.exec('COMMIT');
    reader.close();
    expect(await store.shred('acme', [victim], t0)).toEqual([
      { pseudonym: victim, status: 'already-shredded', shreddedAt: t0.toISOString() },
    ]);
    expect(filesContaining(fileSet(file), [Buffer.from(ids[150] as string)]).size).toBe(0);
    await store.close();
  });

  it('no shredded id survives as a stale copy a page rebuild left behind (many stores, many rounds)', async () => {
    // secure_delete zeroes freed cells, not the stale copies a b-tree balance leaves in a
    // page's unallocated gap; which rows get one follows the random pseudonyms, so a leak is
    // rare: CI met one in the test above, and a script of this shape (which also shredded the
    // live ids it found three times in the file) left 1 shredded id in 8 stores without the
    // store's VACUUM. This test did not fail on the old code in the one run tried: it guards
    // against a return of the leak, and the CI failure above is the reproduction.
    const left: string[] = [];
    for (let s = 0; s < 10; s++) {
      const file = newFile();
      const store = new SqliteSubjectKeyStore(file);
      const ids = subjectIds(4000, `stale${s}`);
      const pseudonyms = new Map<string, string>();
      const shredded = new Set<string>();
      for (let round = 0; round < 4; round++) {
        for (const [id, p] of await grant(store, ids.slice(round * 1000, (round + 1) * 1000)))
          pseudonyms.set(id, p);
        const victims = victimsOf(pseudonyms, shredded, round);
        await store.shred(
          'acme',
          victims.map((id) => pseudonyms.get(id) as string),
          t0,
        );
        victims.forEach((id) => shredded.add(id));
      }
      await store.close();
      const found = filesContaining(
        fileSet(file),
        [...shredded].map((id) => Buffer.from(id)),
      );
      left.push(...[...found.keys()].map((b) => `${b.toString()} in ${path.basename(file)}`));
    }
    expect(left).toEqual([]);
  }, 120_000);

  it('an id that is a divider key on an interior b-tree page goes with the shred too', async () => {
    // Both the table (WITHOUT ROWID) and the pseudonym index are index b-trees, whose interior
    // pages hold whole entries: the shredded ids chosen here are exactly those on interior
    // pages (which ones follows the random pseudonyms), so their removal there is proven too.
    const file = newFile();
    const store = new SqliteSubjectKeyStore(file);
    const ids = subjectIds(3000, 'divider');
    const pseudonyms = await grant(store, ids);
    const probe = new Database(file);
    probe.pragma('wal_checkpoint(TRUNCATE)'); // the pages as they are, in the database file
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    const interior = (
      probe.prepare("SELECT pageno FROM dbstat WHERE pagetype = 'internal'").all() as Array<{
        pageno: number;
      }>
    ).map((r) => r.pageno);
    probe.close();
    const bytes = fs.readFileSync(file);
    const pages = interior.map((n) => bytes.subarray((n - 1) * pageSize, n * pageSize));
    const dividers = ids.filter((id) => pages.some((page) => page.includes(Buffer.from(id))));
    // Control: some ids do stand on interior pages.
    expect(dividers.length).toBeGreaterThan(0);
    await store.shred(
      'acme',
      dividers.map((id) => pseudonyms.get(id) as string),
      t0,
    );
    expect([
      ...filesContaining(
        fileSet(file),
        dividers.map((id) => Buffer.from(id)),
      ).values(),
    ]).toEqual([]);
    const survivors = ids.filter((id) => !dividers.includes(id));
    expect(
      filesContaining(
        fileSet(file),
        survivors.map((id) => Buffer.from(id)),
      ).size,
    ).toBe(survivors.length);
    await store.close();
  });

  it('index samples an ANALYZE left in sqlite_stat4 go with the shred', async () => {
    const file = newFile();
    const store = new SqliteSubjectKeyStore(file);
    const ids = subjectIds(2000, 'stat4');
    const pseudonyms = await grant(store, ids);
    const admin = new Database(file);
    admin.exec('ANALYZE');
    const samples = Buffer.concat(
      (admin.prepare('SELECT sample FROM sqlite_stat4').all() as Array<{ sample: Buffer }>).map(
        (r) => r.sample,
      ),
    );
    admin.close();
    // Control: ANALYZE did copy some ids into the samples.
    const sampled = ids.filter((id) => samples.includes(Buffer.from(id)));
    expect(sampled.length).toBeGreaterThan(0);
    const victims = sampled.map((id) => pseudonyms.get(id) as string);
    await store.shred('acme', victims, t0);
    expect([
      ...filesContaining(
        fileSet(file),
        sampled.map((id) => Buffer.from(id)),
      ).values(),
    ]).toEqual([]);
    await store.close();
  });

  it.each([
    ['without secure_delete, the deleted row stays in the database file', 'OFF', 'checkpoint', ''],
    ['without the checkpoint, the pre-delete page stays in the database file', 'ON', 'none', ''],
    ['inserted and deleted between checkpoints, the insert stays in the -wal', 'ON', 'none-at-all', '-wal'],
  ] as const)('control: %s', (_what, secureDelete, checkpoint, where) => {
    const ids = subjectIds(200, 'ctl');
    const file = newFile();
    const db = new Database(file);
    db.pragma(`secure_delete = ${secureDelete}`);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (const id of ids) insert.run(id);
    if (checkpoint !== 'none-at-all') db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare('DELETE FROM t WHERE id = ?').run(ids[100]);
    if (checkpoint === 'checkpoint') db.pragma('wal_checkpoint(TRUNCATE)');
    const leaks = filesContaining(fileSet(file), [Buffer.from(ids[100] as string)]);
    expect([...leaks.values()].flat()).toContain(file + where);
    db.close();
  });

  it('property: shredding any subset of subjects leaves every other subject decryptable', async () => {
    const ids = subjectIds(12, 'prop');
    const part = (id: string) => JSON.stringify({ subjectId: id });
    await fc.assert(
      fc.asyncProperty(fc.subarray(ids), fc.integer({ min: 1, max: 4 }), async (victims, batches) => {
        const store = new SqliteSubjectKeyStore(newFile());
        try {
          const sealed = new Map<string, [string, string]>();
          const pseudonyms = await grant(store, ids);
          for (const id of ids) {
            const pseudonym = pseudonyms.get(id) as string;
            sealed.set(id, [pseudonym, await store.encrypt('acme', pseudonym, part(id))]);
          }
          const size = Math.ceil(victims.length / batches);
          for (let i = 0; i < victims.length; i += size) {
            await store.shred(
              'acme',
              victims.slice(i, i + size).map((id) => sealed.get(id)?.[0] as string),
              t0,
            );
          }
          for (const [id, [pseudonym, ciphertext]] of sealed) {
            if (victims.includes(id)) {
              await expect(store.decrypt('acme', pseudonym, ciphertext)).rejects.toThrow(
                SubjectShreddedError,
              );
              expect((await store.lookup('acme', pseudonym)).state).toBe('shredded');
            } else {
              expect(await store.decrypt('acme', pseudonym, ciphertext)).toBe(part(id));
              expect(await store.lookup('acme', pseudonym)).toMatchObject({ state: 'active', subjectId: id });
            }
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? 1010) },
    );
  });
});
