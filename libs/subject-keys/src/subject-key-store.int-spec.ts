import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  openSubjectKeyStore,
  SubjectCiphertextError,
  SubjectKeyStore,
  SubjectShreddedError,
  UnknownPseudonymError,
} from '.';

/** The conformance suite: every adapter of SubjectKeyStore must pass it unchanged. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-subject-keys-'));
const adapters: Array<[string, () => string]> = [
  ['sqlite', () => `sqlite:${path.join(dir, `${randomBytes(4).toString('hex')}.db`)}`],
  [
    'postgres',
    () => `postgres://postgres@127.0.0.1:5432/postgres?schema=subject_keys_${randomBytes(4).toString('hex')}`,
  ],
];
const schemas: string[] = [];

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  if (schemas.length === 0) return;
  const { Client } = await import('pg');
  const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

describe.each(adapters)('%s subject key store', (name, makeUrl) => {
  let store: SubjectKeyStore;
  let url: string;
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const t1 = new Date('2026-04-01T10:00:00.000Z');
  const part = JSON.stringify({ subjectId: 'alice@example.com' });

  beforeEach(async () => {
    url = makeUrl();
    if (name === 'postgres') schemas.push(new URL(url).searchParams.get('schema') as string);
    store = await openSubjectKeyStore(url);
  });
  afterEach(async () => store.close());

  it('creates a random pseudonym once; get-or-create is idempotent, also across a reopen', async () => {
    const first = await store.pseudonymFor('acme', 'alice@example.com', t0);
    expect(first).toEqual({ pseudonym: expect.stringMatching(/^sp_[a-z2-7]{26}$/), created: true });
    expect(await store.pseudonymFor('acme', 'alice@example.com', t1)).toEqual({ ...first, created: false });
    await store.close();
    store = await openSubjectKeyStore(url);
    expect(await store.pseudonymFor('acme', 'alice@example.com', t1)).toEqual({ ...first, created: false });
    // Per tenant: the same id in another tenant is another subject.
    const other = await store.pseudonymFor('globex', 'alice@example.com', t0);
    expect(other.created).toBe(true);
    expect(other.pseudonym).not.toBe(first.pseudonym);
    expect(await store.lookup('acme', first.pseudonym)).toEqual({
      state: 'active',
      pseudonym: first.pseudonym,
      subjectId: 'alice@example.com',
      createdAt: t0.toISOString(),
    });
  });

  it('concurrent get-or-create of one subject agrees on one pseudonym', async () => {
    const grants = await Promise.all(Array.from({ length: 8 }, () => store.pseudonymFor('acme', 'bob', t0)));
    expect(new Set(grants.map((g) => g.pseudonym)).size).toBe(1);
    expect(grants.filter((g) => g.created)).toHaveLength(1);
  });

  it('overlapping batches in opposite orders, at the same time, agree and do not deadlock', async () => {
    const refs = Array.from({ length: 50 }, (_, i) => ({ tenantId: 'acme', subjectId: `s-${i}` }));
    const [a, b] = await Promise.all([
      store.pseudonymsFor(refs, t0),
      store.pseudonymsFor([...refs].reverse(), t0),
    ]);
    expect(a?.map((g) => g.pseudonym)).toEqual([...(b ?? [])].reverse().map((g) => g.pseudonym));
    expect([...(a ?? []), ...(b ?? [])].filter((g) => g.created)).toHaveLength(refs.length);
  });

  it('batch get-or-create: one grant per request in order, a repeat in the batch is the same pseudonym', async () => {
    const known = await store.pseudonymFor('acme', 'carol', t0);
    const grants = await store.pseudonymsFor(
      [
        { tenantId: 'acme', subjectId: 'dave' },
        { tenantId: 'acme', subjectId: 'carol' },
        { tenantId: 'globex', subjectId: 'dave' },
        { tenantId: 'acme', subjectId: 'dave' },
      ],
      t1,
    );
    expect(grants.map((g) => g.created)).toEqual([true, false, true, false]);
    expect(grants[1]?.pseudonym).toBe(known.pseudonym);
    expect(grants[3]?.pseudonym).toBe(grants[0]?.pseudonym);
    expect(new Set(grants.map((g) => g.pseudonym)).size).toBe(3);
    expect(await store.pseudonymsFor([], t1)).toEqual([]);
  });

  it('sealBatch: get-or-create and encrypt a batch in one go; each part opens for its own subject only', async () => {
    const known = await store.pseudonymFor('acme', 'erin', t0);
    const parts = ['erin', 'frank', 'erin', 'grace'].map((subjectId) => ({
      tenantId: 'acme',
      subjectId,
      plaintext: JSON.stringify({ subjectId }),
    }));
    const sealed = await store.sealBatch(parts, t1);
    expect(sealed.map((s) => s.created)).toEqual([false, true, false, true]);
    expect(sealed[0]?.pseudonym).toBe(known.pseudonym);
    expect(sealed[2]?.pseudonym).toBe(known.pseudonym);
    for (const [i, s] of sealed.entries()) {
      expect(s.ciphertext).not.toContain(parts[i]?.subjectId);
      expect(await store.decrypt('acme', s.pseudonym, s.ciphertext)).toBe(parts[i]?.plaintext);
    }
    await expect(
      store.decrypt('acme', sealed[1]?.pseudonym as string, sealed[0]?.ciphertext as string),
    ).rejects.toThrow(SubjectCiphertextError);
  });

  it('encrypts and decrypts a subject part; another tenant or pseudonym cannot open it', async () => {
    const { pseudonym } = await store.pseudonymFor('acme', 'alice@example.com', t0);
    const bob = (await store.pseudonymFor('acme', 'bob', t0)).pseudonym;
    const c = await store.encrypt('acme', pseudonym, part);
    expect(c).not.toContain('alice');
    expect(await store.decrypt('acme', pseudonym, c)).toBe(part);
    await expect(store.decrypt('acme', bob, c)).rejects.toThrow(SubjectCiphertextError);
    // Wrong tenant: the pseudonym is not that tenant's, so the key is not even found.
    await expect(store.decrypt('globex', pseudonym, c)).rejects.toThrow(UnknownPseudonymError);
    await expect(store.encrypt('globex', pseudonym, part)).rejects.toThrow(UnknownPseudonymError);
  });

  it('shreds: key and mapping gone, tombstone readable, decrypt fails typed, a repeat is already-shredded', async () => {
    expect(await store.findPseudonym('acme', 'alice@example.com')).toBeUndefined();
    const { pseudonym } = await store.pseudonymFor('acme', 'alice@example.com', t0);
    expect(await store.findPseudonym('acme', 'alice@example.com')).toBe(pseudonym);
    const bob = (await store.pseudonymFor('acme', 'bob', t0)).pseudonym;
    const c = await store.encrypt('acme', pseudonym, part);
    const unknown = 'sp_' + 'a'.repeat(26);
    expect(await store.shred('acme', [pseudonym, unknown], t1)).toEqual([
      { pseudonym, status: 'shredded', shreddedAt: t1.toISOString() },
      { pseudonym: unknown, status: 'unknown' },
    ]);
    expect(await store.shred('acme', [pseudonym], new Date())).toEqual([
      { pseudonym, status: 'already-shredded', shreddedAt: t1.toISOString() },
    ]);
    expect(await store.lookup('acme', pseudonym)).toEqual({
      state: 'shredded',
      pseudonym,
      shreddedAt: t1.toISOString(),
    });
    const err = await store.decrypt('acme', pseudonym, c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubjectShreddedError);
    expect(err).toMatchObject({ pseudonym, shreddedAt: t1.toISOString(), retriable: false });
    expect(String(err)).not.toContain('alice');
    await expect(store.encrypt('acme', pseudonym, part)).rejects.toThrow(SubjectShreddedError);
    // The mapping is gone: the id is unknown to the store.
    expect(await store.findPseudonym('acme', 'alice@example.com')).toBeUndefined();
    // Other subjects are untouched; the shredded id, asked again, is a new subject.
    expect(await store.decrypt('acme', bob, await store.encrypt('acme', bob, part))).toBe(part);
    const again = await store.pseudonymFor('acme', 'alice@example.com', t1);
    expect(again.created).toBe(true);
    expect(again.pseudonym).not.toBe(pseudonym);
    // Tombstones are per tenant: another tenant learns nothing.
    expect(await store.lookup('globex', pseudonym)).toEqual({ state: 'unknown', pseudonym });
    expect(await store.shred('globex', [bob], t1)).toEqual([{ pseudonym: bob, status: 'unknown' }]);
  });

  it('refuses empty ids and NUL without quoting them', async () => {
    await expect(store.pseudonymFor('acme', '', t0)).rejects.toThrow(/^subjectId must be a non-empty string/);
    await expect(store.pseudonymFor('ac\0me', 'x', t0)).rejects.toThrow(/^tenantId must be/);
  });
});

describe('openSubjectKeyStore', () => {
  it('opens sqlite:<path> and sqlite:///<absolute path>, creating the directory', async () => {
    const file = path.join(dir, 'nested', 'keys.db');
    for (const url of [`sqlite:${file}`, `sqlite://${file}`]) {
      const store = await openSubjectKeyStore(url);
      await store.pseudonymFor('acme', 'x', new Date());
      await store.close();
      expect(fs.existsSync(file)).toBe(true);
    }
  });

  it('refuses in-memory SQLite and unknown schemes, naming the variable', async () => {
    await expect(openSubjectKeyStore('sqlite::memory:')).rejects.toThrow(/^SUBJECT_KEYS_URL .*file path/);
    await expect(openSubjectKeyStore('mysql://x')).rejects.toThrow(
      /^SUBJECT_KEYS_URL "mysql:\/\/x" is not supported/,
    );
  });
});
