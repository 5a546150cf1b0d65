import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger, loadConfig } from '@app/config';
import { SqliteLedgerStore } from '@app/ledger';
import { openKeyStore } from '@app/read-model';
import { HEAVY_JOBS } from '@app/audit-api';
import type { HeavyJobs } from '@app/audit-api/heavy/heavy-jobs';
import { apiClient, type ApiAnswer } from '@app/audit-api/testing/api-client';
import { Runtime, startRuntime } from '../apps/cli/src/runtime';
import { lifecycleEntries } from './support/ledger-facts';
import { randomPrefix, waitFor } from './support/kafka';

/**
 * Heavy requests (verify, the audit report of a large tenant) run in worker threads
 * (HeavyJobs): a light request sent while one runs is answered before it, and the event
 * loop this process shares with everything else is not held meanwhile; with
 * API_HEAVY_JOBS=1 a second heavy request is 503 with Retry-After at once.
 * `run --only api` in this process; the worker runs the compiled code (npm run build).
 */
describe('heavy API requests off the event loop', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-heavy-'));
  const ledgerFile = path.join(dir, 'ledger.db');
  const env = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    LEDGER_URL: `sqlite:${ledgerFile}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
    TOPIC_PREFIX: randomPrefix(),
    VERIFY_INTERVAL: 'off',
    API_HEAVY_JOBS: '1',
  };
  // Two tenants of 30 000 entries each: far past INLINE_MAX_ENTRIES, seconds of work.
  const ENTRIES = 60_000;
  const big = 'tenant-heavy-0';
  let runtime: Runtime;
  let api: ReturnType<typeof apiClient>;
  let heavy: HeavyJobs;
  let key = '';

  beforeAll(async () => {
    const ledger = new SqliteLedgerStore(ledgerFile, { synchronous: 'NORMAL' });
    const all = lifecycleEntries(ENTRIES, { tenants: 2, seed: 'heavy' });
    for (let i = 0; i < all.length; i += 10_000) await ledger.appendBatch(all.slice(i, i + 10_000));
    await ledger.close();
    const keys = await openKeyStore(env.READ_MODEL_URL);
    key = (await keys.create({ role: 'auditor', tenantId: null }, new Date())).key;
    await keys.close();
    runtime = await startRuntime(loadConfig({ ...process.env, ...env }), ['api'], {
      apiPort: 0,
      log: createLogger('info', 'heavy-test', path.join(dir, 'api.log')),
    });
    api = apiClient(runtime.apiUrl!);
    heavy = runtime.app.get<symbol, HeavyJobs>(HEAVY_JOBS, { strict: false });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts `route`, noting when it settles in `order`; resolves once the server runs it in
   * a worker, with the answer to come (wrapped: an async function would wait for it).
   */
  async function startHeavy(route: string, order: string[]): Promise<{ answer: Promise<ApiAnswer> }> {
    // The slot frees when the last job's thread has exited, a moment after it answered.
    await waitFor(
      () => heavy.running,
      (n) => n === 0,
      30_000,
      'no heavy job running',
    );
    const answer = api(route, { key }).then((r) => {
      order.push('heavy');
      return r;
    });
    await waitFor(
      () => heavy.running,
      (n) => n === 1,
      30_000,
      `${route} running in a worker`,
    );
    return { answer };
  }

  it.each([`/v1/tenants/${big}/audit`, '/v1/verify'])(
    'a light request sent while %s runs is answered first, and the event loop is not held',
    async (route) => {
      const order: string[] = [];
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const started = performance.now();
      const { answer } = await startHeavy(route, order);
      loop.enable();
      for (let i = 0; i < 3; i++) {
        const light = await api('/health/live');
        expect(light.status).toBe(200);
        order.push('light');
      }
      const r = await answer;
      loop.disable();
      const heavyMs = performance.now() - started;
      expect(order).toEqual(['light', 'light', 'light', 'heavy']);
      expect(r.status).toBe(200);
      const body = r.json as { tenantId?: string; ok?: boolean; entries?: number };
      if (route === '/v1/verify') expect(body).toMatchObject({ ok: true });
      else expect(body.tenantId).toBe(big);
      // Relative, not a fixed threshold: the loop was never held for a large part of the job.
      expect(loop.max / 1e6).toBeLessThan(heavyMs / 2);
    },
    120_000,
  );

  it('with API_HEAVY_JOBS=1 a second heavy request is 503 with Retry-After while one runs; then runs', async () => {
    const { answer: first } = await startHeavy('/v1/verify', []);
    // A 503 itself shows the first was still running when the second was judged.
    const second = await api(`/v1/tenants/${big}/audit`, { key });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('5');
    expect((second.json as { message: string }).message).toMatch(/heavy requests .* are running/);
    expect((await first).status).toBe(200);
    await waitFor(
      () => heavy.running,
      (n) => n === 0,
      30_000,
      'the worker gone',
    );
    const again = await api(`/v1/verify?tenant=${big}`, { key });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ ok: true });
  }, 120_000);
});
