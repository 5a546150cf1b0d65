import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@app/config';
import { LedgerStore, openLedger } from '@app/ledger';
import { CheckpointStore, loadOrCreateSigningKey, makeCheckpoint, openCheckpointStore } from '@app/proof';
import { openReadModel, ReadModel } from '@app/read-model';
import { Client } from 'pg';
import { ApiMetrics } from './api-metrics';
import { METRIC } from './metric-names';

/** The sample of an unlabelled metric in the exposition, or undefined when it is not exported. */
function sample(exposition: string, name: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/**
 * Issue 9 left "no metric or alert for checkpoint age": a checkpointer that stopped signing
 * went unnoticed. The gauge shows the latest checkpoint kept beside the ledger, read with the
 * other store gauges (never per scrape); RetentionCheckpointStale alerts on it.
 */
describe('retention_ledger_checkpoint_last_timestamp_seconds', () => {
  let dir: string;
  let ledger: LedgerStore;
  let readModel: ReadModel;
  let checkpoints: CheckpointStore;
  const now = new Date('2026-12-03T12:00:00.000Z');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-checkpoint-gauge-'));
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    readModel = await openReadModel(`sqlite:${path.join(dir, 'read-model.db')}`);
    checkpoints = await openCheckpointStore(`sqlite:${path.join(dir, 'ledger.db')}`);
  });
  afterAll(async () => {
    await readModel.close();
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const metricsWith = (store: Pick<CheckpointStore, 'latestCreatedAt'> | undefined) =>
    new ApiMetrics({
      ledger,
      readModel,
      clock: () => now,
      log: createLogger('silent'),
      refreshMs: 60_000,
      pipeline: { projectorInProcess: false },
      checkpoints: store,
    });

  it('is 0 before the first checkpoint, then the latest one’s time', async () => {
    const metrics = metricsWith(checkpoints);
    await metrics.stores.refresh();
    expect(sample(await metrics.metrics(), METRIC.checkpointLast)).toBe(0);

    const key = loadOrCreateSigningKey(path.join(dir, 'key.pem'));
    for (const at of ['2026-12-03T10:00:00.000Z', '2026-12-03T11:00:00.000Z']) {
      const outcome = await makeCheckpoint(ledger, key, new Date(at));
      if (!outcome.ok) throw new Error('the empty ledger did not verify');
      await checkpoints.add(outcome.checkpoint);
    }
    // A scrape shows the last reading; the next reading sees the new checkpoint.
    expect(sample(await metrics.metrics(), METRIC.checkpointLast)).toBe(0);
    await metrics.stores.refresh();
    expect(sample(await metrics.metrics(), METRIC.checkpointLast)).toBe(
      Date.parse('2026-12-03T11:00:00.000Z') / 1000,
    );
  });

  it('is not exported where no checkpoints are kept beside the ledger (EventStoreDB)', async () => {
    const kept = await openCheckpointStore('esdb://localhost:2113');
    expect(kept.latestCreatedAt).toBeUndefined();
    const metrics = metricsWith(kept);
    await metrics.stores.refresh();
    expect(sample(await metrics.metrics(), METRIC.checkpointLast)).toBeUndefined();
  });

  it('reads the same from a PostgreSQL store, the latest of several', async () => {
    const base = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `cp_gauge_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    // The ledger's schema, which the ledger creates: the checkpoint table lives in it.
    await admin.query(`CREATE SCHEMA ${schema}`);
    const store = await openCheckpointStore(`${base}?schema=${schema}`);
    try {
      expect(await store.latestCreatedAt?.()).toBeUndefined();
      const key = loadOrCreateSigningKey(path.join(dir, 'key.pem'));
      for (const at of ['2026-12-03T09:00:00.000Z', '2026-12-03T09:30:00.000Z']) {
        const outcome = await makeCheckpoint(ledger, key, new Date(at));
        if (!outcome.ok) throw new Error('the empty ledger did not verify');
        await store.add(outcome.checkpoint);
      }
      expect(await store.latestCreatedAt?.()).toBe('2026-12-03T09:30:00.000Z');
      expect((await store.latest())?.createdAt).toBe('2026-12-03T09:30:00.000Z');
      const metrics = metricsWith(store);
      await metrics.stores.refresh();
      expect(sample(await metrics.metrics(), METRIC.checkpointLast)).toBe(
        Date.parse('2026-12-03T09:30:00.000Z') / 1000,
      );
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
