import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { TopicNames } from '@app/contracts';
import { apiClient, metricValue } from '@app/audit-api/testing/api-client';
import { ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';
import { exited, startCli, testEnv } from './support/cli-process';
import {
  connectionCount,
  dropSchema,
  freePort,
  pgQuery,
  pgScope,
  terminateConnections,
} from './support/postgres';

const ROUNDS = 3;
const PER_ROUND = 20;

/** Fails the wait at once when the process under test has exited (what the defect did). */
function alive(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null)
    throw new Error(`retention-ledger run exited (code ${child.exitCode}, signal ${child.signalCode})`);
}

/**
 * Issue 8 reproduction (d): with the PostgreSQL ledger and read model, terminating the
 * services' server connections — what a PostgreSQL restart or failover does — used to
 * make `run` exit (the pools had no `error` listener). Now every service reconnects,
 * the faults show in /metrics and /health, and the pipeline goes on.
 */
describe('PostgreSQL connections terminated under a running pipeline', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-pg-loss-'));
  const prefix = randomPrefix();
  const pg = pgScope('pgloss');
  const topics = new TopicNames(prefix, ['eu', 'us']);
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    for (const s of pg.schemas) await dropSchema(s);
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('survives, reconnects, shows the fault, and loses nothing', async () => {
    await ensureTopics(testKafka(), topics.allTopics());
    const port = await freePort();
    const env = testEnv(dir, prefix, {
      extra: {
        LEDGER_URL: pg.ledgerUrl,
        READ_MODEL_URL: pg.readModelUrl,
        API_PORT: String(port),
        DISPATCH_INTERVAL: 'PT0.2S',
        LOG_LEVEL: 'info',
      },
    });
    const run = startCli(['run'], env, path.join(dir, 'run.log'));
    child = run;
    const api = apiClient(`http://127.0.0.1:${port}`);
    const health = async () => {
      alive(run);
      return api('/health').catch(() => ({ status: 0, json: undefined }) as const);
    };
    await waitFor(health, (r) => r.status === 200, 60_000, 'the API to answer');
    await waitFor(
      () => connectionCount(pg.appName),
      (n) => n > 0,
      10_000,
      'pool connections',
    );

    const statuses = async () => {
      alive(run);
      const rows = await pgQuery<{ status: string; n: string }>(
        `SELECT status, count(*) AS n FROM "${pg.schemas[1]}".obligations GROUP BY status`,
      ).catch(() => []);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    };
    const kafka = testKafka();
    let cut = 0;
    for (let round = 0; round < ROUNDS; round++) {
      cut += await terminateConnections(pg.appName);
      const tenantId = `pgloss-${round}`;
      const t0 = Date.now() - 60_000;
      const created = [];
      const deleted = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const common = { tenantId, occurredAt: new Date(t0 + i).toISOString() };
        created.push({
          key: tenantId,
          value: JSON.stringify({
            ...common,
            eventId: `c-${round}-${i}`,
            dataId: `d-${round}-${i}`,
            category: 'personal',
            region: 'eu',
            store: 'main',
          }),
        });
        deleted.push({
          key: tenantId,
          value: JSON.stringify({
            ...common,
            eventId: `x-${round}-${i}`,
            occurredAt: new Date(t0 + 1000 + i).toISOString(),
            dataId: `d-${round}-${i}`,
            deletedBy: 'user',
          }),
        });
      }
      await produce(kafka, topics.lifecycle('data-created'), created);
      // Cut again while the batch is on its way in.
      cut += await terminateConnections(pg.appName);
      await produce(kafka, topics.lifecycle('data-deleted'), deleted);
      await waitFor(
        statuses,
        (s) => (s.issued ?? 0) === PER_ROUND * (round + 1),
        60_000,
        `round ${round}: every obligation issued`,
      );
    }
    expect(cut).toBeGreaterThan(0);
    alive(run);

    const scrape = (await api('/metrics')).text;
    const errors = (store: string) =>
      metricValue(scrape, `retention_ledger_store_errors_total{store="${store}",kind="transient"}`) ?? 0;
    expect(errors('ledger') + errors('readModel')).toBeGreaterThan(0);
    const ok = await waitFor(health, (r) => r.status === 200, 30_000, 'health to recover');
    expect(ok.json).toMatchObject({ info: { stores: { status: 'up' } } });

    const ledgerEntries = await pgQuery<{ n: string }>(
      `SELECT count(*) AS n FROM "${pg.schemas[0]}".ledger_entries`,
    );
    // Per round: the data-created, the data-deleted and the DeletionCommandIssued; plus the policy.
    expect(Number(ledgerEntries[0].n)).toBe(ROUNDS * PER_ROUND * 3 + 1);

    run.kill('SIGTERM');
    expect(await exited(run)).toBe(0);
  }, 180_000);
});
