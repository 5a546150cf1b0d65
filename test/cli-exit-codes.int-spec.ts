import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openLedger } from '@app/ledger';
import { PG_URL } from './support/raw-ledger';
import { runCli } from './support/cli-process';
import { lifecycleEntries } from './support/ledger-facts';

/** Exit codes mean one thing each: 0 ok, 1 verification failed, 2 usage or configuration, 3 store unreachable. */
// Each test runs the CLI a few times (about half a second each on a quiet machine).
jest.setTimeout(60_000);

describe('CLI exit codes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-exit-'));
  const env = { LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}` };

  beforeAll(async () => {
    const ledger = await openLedger(env.LEDGER_URL);
    await ledger.appendBatch(lifecycleEntries(20, { tenants: 2, seed: 'exit' }));
    await ledger.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a ledger file that does not exist is exit 2, and no read-only command creates it', async () => {
    const missing = path.join(dir, 'nowhere', 'ledger.db');
    for (const args of [['verify'], ['replay'], ['audit', '--tenant', 'x'], ['checkpoint']]) {
      const run = await runCli(args, {
        LEDGER_URL: `sqlite:${missing}`,
        CHECKPOINT_KEY: path.join(dir, 'k.pem'),
      });
      expect({ args, code: run.code, err: /no ledger at/.test(run.stderr) }).toEqual({
        args,
        code: 2,
        err: true,
      });
    }
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'k.pem'))).toBe(false);
  });

  it('a tenant the ledger never saw is exit 2, never an empty ok', async () => {
    for (const args of [
      ['verify', '--tenant', 'tenant-typo'],
      ['replay', '--tenant', 'tenant-typo'],
      ['obligations', '--tenant', 'tenant-typo'],
      ['audit', '--tenant', 'tenant-typo'],
      ['export', '--tenant', 'tenant-typo', '--out', path.join(dir, 'b')],
    ]) {
      const run = await runCli(args, { ...env, CHECKPOINT_KEY: path.join(dir, 'k.pem') });
      expect({ args, code: run.code, err: /no entries for tenant tenant-typo/.test(run.stderr) }).toEqual({
        args,
        code: 2,
        err: true,
      });
    }
  });

  it('a mistyped command or option is exit 2 (not 1, which means tampered)', async () => {
    expect((await runCli(['verfy'], env)).code).toBe(2);
    expect((await runCli(['verify', '--tenat', 'x'], env)).code).toBe(2);
  });

  it('a PostgreSQL schema that holds no ledger is exit 2, and verify does not create it', async () => {
    const schema = `no_ledger_${process.pid}_${Date.now()}`;
    const url = `${PG_URL}?schema=${schema}`;
    const run = await runCli(['verify'], { LEDGER_URL: url });
    expect({ code: run.code, err: /no ledger in PostgreSQL schema/.test(run.stderr) }).toEqual({
      code: 2,
      err: true,
    });
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    await client.end();
    expect(rows).toHaveLength(0);
  });

  it('a store that cannot be reached is exit 3', async () => {
    const run = await runCli(['verify'], { LEDGER_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(run.code).toBe(3);
  });

  it('--version prints the version; verify --json prints one object', async () => {
    const version = await runCli(['--version'], env);
    expect({ code: version.code, out: version.stdout.trim() }).toEqual({ code: 0, out: '0.1.0' });
    const json = await runCli(['verify', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, entries: 20, streams: 2 });
  });
});
