import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { checkpointProblem, keyIdOf, openCheckpointStore, parsePublicKey, type Checkpoint } from '@app/proof';
import { openKeyStore } from '@app/read-model';
import { apiClient } from '@app/audit-api/testing/api-client';
import { Runtime, startRuntime } from '../apps/cli/src/runtime';
import { runCli } from './support/cli-process';
import { randomPrefix, testKafka, waitFor } from './support/kafka';
import { lifecycleEntries } from './support/ledger-facts';

/**
 * `run` makes a checkpoint at start and every CHECKPOINT_INTERVAL and publishes it to
 * `ledger-checkpoints`, where an auditor keeps it; the API serves the public key and the
 * latest one; a kept checkpoint checks the ledger with `verify --checkpoint`.
 */
describe('checkpoints from the running services', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-checkpoints-'));
  const env = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
    CHECKPOINT_INTERVAL: 'PT0.5S',
    TOPIC_PREFIX: randomPrefix(),
    LOG_LEVEL: 'info',
  };
  let runtime: Runtime;
  let auditorKey: string;

  beforeAll(async () => {
    const keys = await openKeyStore(env.READ_MODEL_URL);
    auditorKey = (await keys.create({ role: 'auditor', tenantId: null }, new Date())).key;
    await keys.close();
    runtime = await startRuntime(loadConfig({ ...process.env, ...env }), ['projector', 'api'], {
      apiPort: 0,
      log: createLogger('info', 'checkpoints-test', path.join(dir, 'run.log')),
    });
  }, 60_000);
  afterAll(async () => {
    await runtime?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes signed checkpoints that follow the ledger, serves the key and the latest, and they verify the ledger', async () => {
    const api = apiClient(runtime.apiUrl!);
    const pem = await api('/v1/checkpoint/public-key');
    expect(pem.status).toBe(200);
    const publicKey = parsePublicKey(pem.text, 'the served key');
    const keyId = keyIdOf(publicKey);

    await runtime.core.ledger.appendBatch(lifecycleEntries(30, { tenants: 3, seed: 'cp' }));
    const topic = new TopicNames(env.TOPIC_PREFIX, ['eu', 'us']).checkpoints;
    // Wait for a checkpoint that includes the append (the first ones may predate it), then read the topic.
    const store = await openCheckpointStore(env.LEDGER_URL);
    await waitFor(
      () => store.latest(),
      (c) => c?.ledgerSize === 31,
      30_000,
      'a checkpoint of the appended entries',
    );
    await store.close();
    // An auditor's consumer: every checkpoint on the topic, from the beginning.
    const published: Checkpoint[] = [];
    const consumer = testKafka().consumer({ groupId: `${env.TOPIC_PREFIX}auditor` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    void consumer.run({
      eachMessage: async ({ message }) =>
        void published.push(JSON.parse(String(message.value)) as Checkpoint),
    });
    try {
      await waitFor(
        () => published,
        (l) => l.some((c) => c.ledgerSize === 31),
        30_000,
        'the checkpoint on the topic',
      );
    } finally {
      await consumer.disconnect();
    }
    for (const c of published) expect(checkpointProblem(c, publicKey, keyId)).toBeUndefined();
    expect(published[published.length - 1].heads.map((h) => h.tenantId)).toEqual([
      '$policy',
      'tenant-cp-0',
      'tenant-cp-1',
      'tenant-cp-2',
    ]);

    const latest = await api('/v1/checkpoint/latest', { key: auditorKey });
    expect(latest.status).toBe(200);
    expect(checkpointProblem(latest.json as Checkpoint, publicKey, keyId)).toBeUndefined();
    expect(await api('/v1/checkpoint/latest')).toMatchObject({ status: 401 });

    // What an auditor kept verifies the ledger, with the key the API served.
    const kept = path.join(dir, 'kept.json');
    const keyFile = path.join(dir, 'served.pem');
    fs.writeFileSync(kept, JSON.stringify(published.find((c) => c.ledgerSize === 31)));
    fs.writeFileSync(keyFile, pem.text);
    const verify = await runCli(['verify', '--checkpoint', kept, '--public-key', keyFile, '--json'], env);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: true,
      checkpoint: { ledgerSize: 31, treeSize: 4 },
    });
  }, 60_000);
});
