import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openLedger } from '@app/ledger';
import { lifecycleEntries } from './support/ledger-facts';
import { runCli } from './support/cli-process';

/** `replay` and `verify` as an auditor runs them, on a real SQLite ledger file. */
describe('replay and verify from the command line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-verify-'));
  const file = path.join(dir, 'ledger.db');
  const env = { LEDGER_URL: `sqlite:${file}` };
  const entries = lifecycleEntries(500, { tenants: 5, seed: 'cli' });

  beforeAll(async () => {
    const ledger = await openLedger(env.LEDGER_URL);
    await ledger.appendBatch(entries);
    await ledger.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replays one tenant from a position, and everything from a global position, as NDJSON', async () => {
    const tenant = await runCli(['replay', '--tenant', 'tenant-cli-2', '--from', '50'], env);
    expect(tenant.code).toBe(0);
    const lines = tenant.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(100 - 49);
    expect(lines[0]).toMatchObject({ tenantId: 'tenant-cli-2', streamPosition: 50 });
    expect(lines.every((e) => e.tenantId === 'tenant-cli-2')).toBe(true);

    const all = await runCli(['replay', '--from', '401'], env);
    const rest = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rest.map((e) => e.eventId)).toEqual(entries.slice(400).map((e) => e.eventId));
  });

  it('says ok with the counts, then exit 1 naming the tenant and position of an entry changed behind the triggers', async () => {
    const ok = await runCli(['verify'], env);
    expect({ code: ok.code, out: ok.stdout.trim() }).toEqual({
      code: 0,
      out: 'ok: 500 entries in 5 streams',
    });

    const db = new Database(file);
    const update =
      "UPDATE ledger_entries SET occurred_at = '2020-01-01T00:00:00.000Z' WHERE tenant_id = 'tenant-cli-3' AND stream_position = 42";
    expect(() => db.exec(update)).toThrow(/append-only|refused/i);
    db.exec('DROP TRIGGER ledger_entries_no_update');
    db.exec(update);
    db.close();

    const broken = await runCli(['verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^broken: tenant tenant-cli-3 position 42: /);
    const one = await runCli(['verify', '--tenant', 'tenant-cli-1'], env);
    expect({ code: one.code, out: one.stdout.trim() }).toEqual({
      code: 0,
      out: 'ok: 100 entries in 1 streams',
    });
  });
});
