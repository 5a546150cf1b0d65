import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKeyStore } from '@app/read-model';
import { runCli } from './support/cli-process';

/** `retention-ledger keys create|list|revoke`, as an operator runs them (the compiled CLI). */
describe('keys command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-keys-cli-'));
  const env = { READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`, LOG_LEVEL: 'silent' };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a key printed once as the last word of the last line; lists and revokes it by id', async () => {
    const created = await runCli(['keys', 'create', '--role', 'auditor', '--tenant', 'acme'], env);
    expect(created.code).toBe(0);
    const lines = created.stdout.trimEnd().split('\n');
    const key = lines[lines.length - 1].split(' ').pop()!;
    expect(key).toMatch(/^rlk_[A-Za-z0-9_-]{43}$/);
    expect(created.stdout.split(key)).toHaveLength(2);
    const id = /created key (k_[0-9a-f]{12}): role auditor, tenant acme/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();

    const store = await openKeyStore(env.READ_MODEL_URL);
    try {
      expect(await store.authenticate(key)).toMatchObject({ id, role: 'auditor', tenantId: 'acme' });

      const list = await runCli(['keys', 'list'], env);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`${id}\\s+auditor\\s+tenant acme\\s+\\S+\\s+active`));
      expect(list.stdout).not.toContain(key);
      const json = JSON.parse((await runCli(['keys', 'list', '--json'], env)).stdout);
      expect(json).toEqual([
        expect.objectContaining({ id, role: 'auditor', tenantId: 'acme', revokedAt: null }),
      ]);

      const revoked = await runCli(['keys', 'revoke', id!], env);
      expect({ code: revoked.code, stdout: revoked.stdout }).toEqual({
        code: 0,
        stdout: `revoked key ${id}\n`,
      });
      expect(await store.authenticate(key)).toBeUndefined();
      expect((await runCli(['keys', 'revoke', id!], env)).stdout).toBe(`key ${id} was already revoked\n`);
      const unknown = await runCli(['keys', 'revoke', 'k_000000000000'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no API key with id k_000000000000');
    } finally {
      await store.close();
    }
  }, 60_000);

  it('creates an operator key for every tenant', async () => {
    const created = await runCli(['keys', 'create', '--role', 'operator'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/role operator, all tenants/);
  }, 30_000);

  it.each([
    [['keys', 'create'], /--role/],
    [['keys', 'create', '--role', 'admin'], /--role.*auditor, operator/],
    [['keys', 'create', '--role', 'auditor', '--tenant', 'a b'], /--tenant must match/],
  ])(
    'refuses %j naming the option',
    async (args, message) => {
      const r = await runCli(args, env);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
    },
    30_000,
  );
});
