import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TopicNames } from '@app/contracts';
import { createKafka } from '@app/kafka';
import { ensureTopics, randomPrefix, waitFor } from './support/kafka';
import { testEnv } from './support/cli-process';
import { freePort } from './support/postgres';
import { campaignEvents, produceEvents, report, ServiceProcess, settleAndCheck } from './support/campaign';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require('../deploy/kafka/broker.js') as {
  ensureBroker(opts: { quiet?: boolean; env?: NodeJS.ProcessEnv }): Promise<{ brokers: string }>;
  stopBroker(opts: { quiet?: boolean; env?: NodeJS.ProcessEnv }): Promise<void>;
};

const EVENTS = 20_000;
const REGIONS = ['eu', 'us'];

/**
 * Issue 8 campaign (c): the broker stops in the middle of the stream and comes back.
 * A broker of this test's own (its own ports and run directory), never the shared one.
 * The services ride it out — ingest's consumer rejoins, the dispatcher's failed publishes
 * are swept up — and afterwards the ledger, read model and command topics agree.
 */
describe('fault campaign: broker stop and start mid-stream', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-campaign-broker-'));
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, REGIONS);
  let brokerEnv: NodeJS.ProcessEnv;
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    await service?.dispose();
    if (brokerEnv) await broker.stopBroker({ quiet: true, env: brokerEnv });
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('survives the outage: nothing lost or doubled, every command on its topic', async () => {
    const started = Date.now();
    const port = await freePort();
    let controller = await freePort();
    while (controller === port) controller = await freePort();
    brokerEnv = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_RUN_DIR: path.join(dir, 'kafka'),
      KAFKA_HEAP: '512m',
    };
    const { brokers } = await broker.ensureBroker({ quiet: true, env: brokerEnv });
    const kafka = createKafka({ brokers: [brokers], clientId: 'campaign-broker' });
    await ensureTopics(kafka, topics.allTopics());
    const env = testEnv(dir, prefix, {
      regions: REGIONS,
      extra: { KAFKA_BROKERS: brokers, DISPATCH_INTERVAL: 'PT0.2S', LOG_LEVEL: 'info' },
    });
    const log = path.join(dir, 'run.log');
    service = new ServiceProcess('ingest,projector,dispatcher', env, log);
    const events = campaignEvents(EVENTS, 'broker', REGIONS);
    const half = EVENTS / 2;
    service.start();
    await produceEvents(kafka, topics, events.slice(0, half));
    const ledgerFile = path.join(dir, 'ledger.db');
    const entries = async () => {
      service!.assertAlive();
      if (!fs.existsSync(ledgerFile)) return 0;
      const { openLedger } = await import('@app/ledger');
      const ledger = await openLedger(env.LEDGER_URL!);
      try {
        return (await ledger.counts()).entries;
      } finally {
        await ledger.close();
      }
    };
    await waitFor(entries, (n) => n > half / 4, 60_000, 'ingest to be under way');

    const stopAt = Date.now();
    await broker.stopBroker({ quiet: true, env: brokerEnv });
    // The services notice: kafkajs reports the lost broker in the log.
    const logged = fs.statSync(log).size;
    await waitFor(
      () => {
        service!.assertAlive();
        return fs.readFileSync(log, 'utf8').slice(logged);
      },
      (text) => /ECONNREFUSED|Connection error|KafkaJSConnectionError|disconnected/i.test(text),
      30_000,
      'the services to meet the broker outage',
    );
    service.assertAlive();
    await broker.ensureBroker({ quiet: true, env: brokerEnv });
    const outageMs = Date.now() - stopAt;
    await produceEvents(kafka, topics, events.slice(half));

    const { settledAt: _settledAt, ...figures } = await settleAndCheck({
      env,
      dir,
      services: [service],
      events,
      kafka,
      topics,
      regions: REGIONS,
      timeoutMs: 120_000,
    });
    report('broker', { ...figures, brokerRestarts: 1, outageMs, crashes: 0, wallMs: Date.now() - started });
  }, 240_000);
});
