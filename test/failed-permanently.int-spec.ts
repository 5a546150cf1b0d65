import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewEntry } from '@app/contracts';
import { createLogger } from '@app/config';
import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { metricValue } from '@app/audit-api/testing/api-client';
import { ApiMetrics } from '@app/audit-api/metrics/api-metrics';
import { createProjector } from '@app/pipeline';
import { factsAt } from '@app/pipeline/testing/dispatch-facts';
import { randomPrefix } from './support/kafka';
import { runCli, testEnv } from './support/cli-process';

const { at: atDate, fact } = factsAt(Date.now() - 3_600_000);
const at = (ms: number) => atDate(ms).toISOString();

/**
 * Issue 8: an obligation that failed on every attempt DISPATCH_MAX_ATTEMPTS allows is no
 * longer retried, so it must be visible — in `obligations`, `audit`, `stats` and a metric.
 */
describe('obligations failed with no retry left', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-exhausted-'));
  const env = testEnv(dir, randomPrefix(), { extra: { DISPATCH_MAX_ATTEMPTS: '2' } });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are flagged in obligations --json, audit, stats --json and retention_ledger_obligations_failed_permanently', async () => {
    const ledger = await openLedger(env.LEDGER_URL!);
    const readModel = await openReadModel(env.READ_MODEL_URL!);
    const projector = createProjector(ledger, readModel, 'follow', { batchSize: 100 });
    const settle = async () => {
      while ((await projector.step()).entries > 0);
    };
    try {
      const created = (i: number) =>
        fact(`created-${i}`, 'DataCreated', i, {
          dataId: `d${i}`,
          category: 'personal',
          region: 'eu',
          store: 'main',
        });
      const deleted = (i: number) =>
        fact(`deleted-${i}`, 'DataDeleted', 100 + i, { dataId: `d${i}`, deletedBy: 'user' });
      await ledger.appendBatch([created(1), deleted(1), created(2), deleted(2)]);
      await settle();
      const [spent, retrying] = (await readModel.obligations('acme')).map((o) => o.obligationId);
      const attempt = (obligationId: string, n: number, ms: number): NewEntry[] => {
        const commandId = `c-${obligationId.slice(-8)}-${n}`;
        const common = { commandId, region: 'eu', store: 'main' };
        return [
          fact(`issued:${commandId}`, 'DeletionCommandIssued', ms, {
            ...common,
            obligationId,
            issuedAt: at(ms),
            attempt: n,
          }),
          fact(`receipt:${commandId}`, 'DeletionFailed', ms + 10, {
            ...common,
            completedAt: at(ms + 10),
            error: 'disk full',
          }),
        ];
      };
      // `spent` failed on both attempts allowed; `retrying` on its first only.
      await ledger.appendBatch([
        ...attempt(spent, 1, 1000),
        ...attempt(spent, 2, 2000),
        ...attempt(retrying, 1, 1000),
      ]);
      await settle();

      const metrics = new ApiMetrics({
        ledger,
        readModel,
        clock: () => new Date(),
        pipeline: { projectorInProcess: false },
        log: createLogger('silent'),
        dispatchMaxAttempts: 2,
        refreshMs: 60_000,
      });
      await metrics.stores.refresh();
      expect(metricValue(await metrics.metrics(), 'retention_ledger_obligations_failed_permanently')).toBe(1);
    } finally {
      await readModel.close();
      await ledger.close();
    }

    const obligations = await runCli(['obligations', '--tenant', 'acme', '--json'], env);
    expect(obligations.code).toBe(0);
    const list = JSON.parse(obligations.stdout) as Array<{ status: string; retriesExhausted: boolean }>;
    expect(list.map((o) => [o.status, o.retriesExhausted]).sort()).toEqual([
      ['failed', false],
      ['failed', true],
    ]);

    const audit = await runCli(['audit', '--tenant', 'acme', '--format', 'json'], env);
    const report = JSON.parse(audit.stdout) as {
      summary: { retriesExhausted?: number };
      obligations: Array<{ retriesExhausted?: true }>;
    };
    expect(report.summary.retriesExhausted).toBe(1);
    expect(report.obligations.filter((o) => o.retriesExhausted)).toHaveLength(1);
    const md = await runCli(['audit', '--tenant', 'acme'], env);
    expect(md.stdout).toContain('1 failed with no retry left');

    const stats = await runCli(['stats', '--json'], env);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ obligations: { failed: 2 }, retriesExhausted: 1 });
  }, 60_000);
});
