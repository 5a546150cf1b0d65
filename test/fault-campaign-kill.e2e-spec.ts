import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TopicNames } from '@app/contracts';
import { ensureTopics, randomPrefix, testKafka, waitFor } from './support/kafka';
import { testEnv } from './support/cli-process';
import {
  campaignEvents,
  campaignSeed,
  produceEvents,
  report,
  seededRandom,
  ServiceProcess,
  settleAndCheck,
} from './support/campaign';

const EVENTS = 50_000;
const CHUNKS = 10;
const ROUNDS = 12;
const REGIONS = ['eu', 'us'];

/**
 * Issue 8 campaign (b): ingest, projector and dispatcher as separate processes, SIGKILLed
 * at seeded random points — 12 rounds, each service at least 4 times — while 50 000
 * events stream in. Afterwards nothing is lost or doubled and every derived fact holds.
 */
describe('fault campaign: SIGKILL rounds under a 50k-event stream', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-campaign-kill-'));
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, REGIONS);
  const env = testEnv(dir, prefix, {
    regions: REGIONS,
    extra: { DISPATCH_INTERVAL: 'PT0.2S', LOG_LEVEL: process.env.CAMPAIGN_LOG_LEVEL ?? 'warn' },
  });
  const services = ['ingest', 'projector', 'dispatcher'].map(
    (s) => new ServiceProcess(s, env, path.join(dir, `${s}.log`)),
  );

  afterAll(async () => {
    for (const s of services) await s.dispose();
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing, doubles nothing, and the ledger, read model and commands agree', async () => {
    const started = Date.now();
    const random = seededRandom(campaignSeed('kill'));
    const kafka = testKafka();
    await ensureTopics(kafka, topics.allTopics());
    const events = campaignEvents(EVENTS, 'kill');
    expect(events).toHaveLength(EVENTS);
    const alive = () => services.forEach((s) => s.assertAlive());

    // The first start records the policy in the ledger; the others find it there.
    services[0].start();
    await waitFor(() => fs.existsSync(path.join(dir, 'ledger.db')), Boolean, 30_000, 'the ledger file');
    services[1].start();
    services[2].start();

    const kills: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round < CHUNKS) {
        const size = EVENTS / CHUNKS;
        await produceEvents(kafka, topics, events.slice(round * size, (round + 1) * size));
      }
      // Each service in turn, at a random point of its work.
      const victim = services[round % 3];
      await new Promise((r) => setTimeout(r, 300 + Math.floor(random() * 2200)));
      alive();
      await victim.kill();
      kills.push(victim.services);
      victim.start();
    }
    const roundsMs = Date.now() - started;
    const { settledAt, ...figures } = await settleAndCheck({
      env,
      dir,
      services: services,
      events,
      kafka,
      topics,
      regions: REGIONS,
      timeoutMs: 150_000,
    });
    const perService = Object.fromEntries(services.map((s) => [s.services, s.kills]));
    report('kill', {
      ...figures,
      killRounds: kills.length,
      perService,
      restartsSurvived: services.reduce((n, s) => n + s.starts - 1, 0),
      roundsMs,
      settledMs: settledAt - started,
      wallMs: Date.now() - started,
    });
    expect(kills).toHaveLength(ROUNDS);
    expect(Object.values(perService)).toEqual([4, 4, 4]);
  }, 280_000);
});
