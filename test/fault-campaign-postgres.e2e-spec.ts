import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TopicNames } from '@app/contracts';
import { ensureTopics, randomPrefix, testKafka, waitFor } from './support/kafka';
import { testEnv } from './support/cli-process';
import { connectionCount, dropSchema, pgQuery, pgScope, terminateConnections } from './support/postgres';
import {
  campaignEvents,
  campaignSeed,
  produceEvents,
  report,
  seededRandom,
  ServiceProcess,
  settleAndCheck,
} from './support/campaign';

const EVENTS = 20_000;
const CHUNKS = 8;
const REGIONS = ['eu', 'us'];

/**
 * Issue 8 campaign (d): the PostgreSQL ledger and read model lose their server
 * connections again and again while events stream in — what a PostgreSQL restart or
 * failover does, done with pg_terminate_backend on this test's own connections only
 * (matched by application_name: the cluster is shared and never restarted). Ingest,
 * projector and dispatcher run as separate processes and must all ride it out.
 */
describe('fault campaign: PostgreSQL connections lost mid-stream', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-campaign-pg-'));
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, REGIONS);
  const pg = pgScope('campaign');
  const env = testEnv(dir, prefix, {
    regions: REGIONS,
    extra: {
      LEDGER_URL: pg.ledgerUrl,
      READ_MODEL_URL: pg.readModelUrl,
      DISPATCH_INTERVAL: 'PT0.2S',
      LOG_LEVEL: process.env.CAMPAIGN_LOG_LEVEL ?? 'warn',
    },
  });
  const services = ['ingest', 'projector', 'dispatcher'].map(
    (s) => new ServiceProcess(s, env, path.join(dir, `${s}.log`)),
  );

  afterAll(async () => {
    for (const s of services) await s.dispose();
    for (const schema of pg.schemas) await dropSchema(schema);
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rides out every cut: nothing lost or doubled, read model equal to a rebuild', async () => {
    const started = Date.now();
    const random = seededRandom(campaignSeed('postgres'));
    const kafka = testKafka();
    await ensureTopics(kafka, topics.allTopics());
    const events = campaignEvents(EVENTS, 'postgres', REGIONS);
    const alive = () => services.forEach((s) => s.assertAlive());

    services[0].start();
    await waitFor(
      async () => (await pgQuery(`SELECT 1 FROM pg_tables WHERE schemaname = $1`, [pg.schemas[0]])).length,
      (n) => n > 0,
      30_000,
      'the ledger schema',
    );
    services[1].start();
    services[2].start();
    await waitFor(
      () => connectionCount(pg.appName),
      (n) => n >= 3,
      30_000,
      'every service connected',
    );

    let cuts = 0;
    let terminated = 0;
    for (let round = 0; round < CHUNKS; round++) {
      const size = EVENTS / CHUNKS;
      await produceEvents(kafka, topics, events.slice(round * size, (round + 1) * size));
      // Twice a round, at seeded random points while the chunk is being appended and projected.
      for (let i = 0; i < 2; i++) {
        await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 900)));
        alive();
        terminated += await terminateConnections(pg.appName);
        cuts++;
      }
    }
    const { settledAt: _settledAt, ...figures } = await settleAndCheck({
      env,
      dir,
      services: services,
      events,
      kafka,
      topics,
      regions: REGIONS,
      timeoutMs: 120_000,
    });
    report('postgres', {
      ...figures,
      cuts,
      connectionsTerminated: terminated,
      crashes: 0,
      wallMs: Date.now() - started,
    });
    expect(terminated).toBeGreaterThan(cuts);
  }, 240_000);
});
