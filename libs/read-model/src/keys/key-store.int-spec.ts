import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { ApiKeyStore, keyHash, openKeyStore } from '.';
import { openReadModel } from '../open-read-model';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-keys-'));
const adapters: Array<[string, () => string]> = [
  ['sqlite', () => `sqlite:${path.join(dir, `${randomBytes(4).toString('hex')}.db`)}`],
  [
    'postgres',
    () => `postgres://postgres@127.0.0.1:5432/postgres?schema=keys_${randomBytes(4).toString('hex')}`,
  ],
];

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(adapters)('%s key store', (name, makeUrl) => {
  let url: string;
  let keys: ApiKeyStore;
  const t0 = new Date('2026-03-01T10:00:00.000Z');

  beforeEach(async () => {
    url = makeUrl();
    keys = await openKeyStore(url);
  });
  afterEach(async () => keys.close());

  it('creates a key shown once, authenticates it, and lists it without the secret', async () => {
    const { key, record } = await keys.create({ role: 'auditor', tenantId: 'acme' }, t0);
    expect(key).toMatch(/^rlk_[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({
      id: expect.stringMatching(/^k_[0-9a-f]{12}$/),
      role: 'auditor',
      tenantId: 'acme',
      createdAt: t0.toISOString(),
      revokedAt: null,
    });
    expect(await keys.authenticate(key)).toEqual(record);
    expect(await keys.list()).toEqual([record]);
    expect(JSON.stringify(await keys.list())).not.toContain(key.slice(4));
  });

  it('refuses unknown, altered and malformed keys', async () => {
    const { key } = await keys.create({ role: 'operator', tenantId: null }, t0);
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const k of [altered, 'rlk_' + 'x'.repeat(43), '', 'Bearer ' + key, key + ' ']) {
      expect(await keys.authenticate(k)).toBeUndefined();
    }
  });

  it('revokes: the key stops working, and the outcome tells unknown from already revoked', async () => {
    const a = await keys.create({ role: 'auditor', tenantId: null }, t0);
    const b = await keys.create({ role: 'operator', tenantId: 'globex' }, new Date(t0.getTime() + 1000));
    expect(await keys.revoke(a.record.id, new Date(t0.getTime() + 5000))).toBe('revoked');
    expect(await keys.revoke(a.record.id, new Date())).toBe('already-revoked');
    expect(await keys.revoke('k_000000000000', new Date())).toBe('unknown');
    expect(await keys.authenticate(a.key)).toBeUndefined();
    expect(await keys.authenticate(b.key)).toEqual(b.record);
    expect((await keys.list()).map((k) => [k.id, k.revokedAt])).toEqual([
      [a.record.id, new Date(t0.getTime() + 5000).toISOString()],
      [b.record.id, null],
    ]);
  });

  it('checks the role and tenant it is given', async () => {
    await expect(keys.create({ role: 'admin' as 'auditor', tenantId: null }, t0)).rejects.toThrow(
      /^role must be one of auditor, operator/,
    );
    await expect(keys.create({ role: 'auditor', tenantId: 'a b' }, t0)).rejects.toThrow(/^tenant must match/);
  });

  it('lives with the read model and survives its replacement (rebuild)', async () => {
    const { key } = await keys.create({ role: 'auditor', tenantId: null }, t0);
    const readModel = await openReadModel(url);
    await (await readModel.load()).commit(undefined);
    await readModel.close();
    expect(await keys.authenticate(key)).toBeDefined();
    if (name === 'sqlite') {
      // Only the hash is stored.
      const db = new Database(url.slice('sqlite:'.length), { readonly: true });
      const rows = db.prepare('SELECT * FROM api_keys').all() as Array<Record<string, unknown>>;
      db.close();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(key.slice(4));
      expect(rows[0].key_hash).toBe(keyHash(key));
    }
  });
});
