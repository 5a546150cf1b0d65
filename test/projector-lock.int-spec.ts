import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { openLeaseStore, PROJECTOR_LEASE, ProjectorLock, type LeaseStore } from '@app/read-model';
import { runCli, testEnv } from './support/cli-process';

const PG_URL = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One active projector per read model: the lock a projector holds, a standby waits for, and a rebuild takes. */
describe('projector lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-projector-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a rebuild from another process while a projector holds the read model, and runs it once released', async () => {
    const env = testEnv(dir, 'unused');
    const leases = await openLeaseStore(env.READ_MODEL_URL!);
    const projector = new ProjectorLock(leases, 'projector-in-another-process');
    expect(await projector.hold()).toBe(true);

    const refused = await runCli(['rebuild'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/another process runs the projector/);

    await projector.release();
    const done = await runCli(['rebuild'], env);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    // The rebuild gave the lock back: a projector can take it again.
    expect(await projector.hold()).toBe(true);
    await leases.close();
  }, 60_000);

  it('takes over at once from a holder that was a process of this host and is gone (a crash, then a restart)', async () => {
    const leases = await openLeaseStore(`sqlite:${path.join(dir, 'restart.db')}`);
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    const crashed = new ProjectorLock(leases, `projector@${hostname()}:${gone}:abcdef`);
    const alive = new ProjectorLock(leases, `projector@${hostname()}:${process.ppid}:abcdef`);
    const restarted = new ProjectorLock(leases, 'projector-restarted');
    expect(await alive.hold()).toBe(true);
    expect(await restarted.hold()).toBe(false); // the holder's process runs: wait
    await alive.release();
    expect(await crashed.hold()).toBe(true);
    expect(await restarted.hold()).toBe(true); // its process is gone: no need to wait out the lease
    await leases.close();
  });

  it('keeps a standby waiting while the active projector renews, and lets it take over once renewals stop (PostgreSQL)', async () => {
    const schema = `lock_${randomBytes(5).toString('hex')}`;
    const url = `${PG_URL}?schema=${schema}`;
    const stores: LeaseStore[] = [await openLeaseStore(url), await openLeaseStore(url)];
    let now = 1_000_000;
    const active = new ProjectorLock(stores[0], 'active', 15_000, () => now);
    const standby = new ProjectorLock(stores[1], 'standby', 15_000, () => now);
    expect(await active.hold()).toBe(true);
    for (let i = 0; i < 5; i++) {
      now += 6_000; // past a third of the lease: the active one renews
      expect(await active.hold()).toBe(true);
      expect(await standby.hold()).toBe(false);
    }
    // The active projector is killed: no more renewals. Within one lease the standby is active.
    now += 15_000;
    expect(await standby.hold()).toBe(true);
    now += 1;
    expect(await active.hold()).toBe(false);
    await Promise.all(stores.map((s) => s.close()));
    const c = new Client({ connectionString: PG_URL });
    await c.connect();
    const { rows } = await c.query(`SELECT holder FROM ${schema}.leases WHERE name = $1`, [PROJECTOR_LEASE]);
    expect(rows).toEqual([{ holder: 'standby' }]);
    await c.query(`DROP SCHEMA ${schema} CASCADE`);
    await c.end();
  });
});
