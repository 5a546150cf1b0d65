import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TopicNames } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { eventsInLedger, tenantEventIds } from './support/ledger-facts';
import { ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';
import { lifecycleEvents } from './support/fixtures';
import { exited, runCli, startCli, testEnv } from './support/cli-process';

const REGIONS = ['eu', 'us'];

describe('ingest process killed in the middle of a stream', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-crash-'));
  const prefix = randomPrefix();
  const env = testEnv(dir, prefix, { regions: REGIONS, extra: { LOG_LEVEL: 'info' } });
  const log = path.join(dir, 'ingest.log');

  afterAll(() => {
    if (process.env.KEEP_TEST_FILES) return;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing and duplicates nothing across a SIGKILL and restart, and the chain stays valid', async () => {
    const kafka = testKafka();
    const topics = new TopicNames(prefix, REGIONS);
    await ensureTopics(kafka, topics.allTopics());
    const events = lifecycleEvents(30_000, { tenants: 50, seed: 'crash' });
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const e of events) {
      const t = topics.lifecycle(e.topic);
      byTopic.set(t, [...(byTopic.get(t) ?? []), { key: e.key, value: JSON.stringify(e.value) }]);
    }
    for (const [topic, msgs] of byTopic) await produce(kafka, topic, msgs);

    const count = () => eventsInLedger(path.join(dir, 'ledger.db'));

    const first = startCli(['run', '--only', 'ingest'], env, log);
    const partway = await waitFor(count, (n) => n > 2000, 60_000, 'ingest to get going');
    first.kill('SIGKILL');
    await exited(first);
    const afterKill = await count();
    expect(partway).toBeLessThan(events.length);
    expect(afterKill).toBeLessThan(events.length);

    const second = startCli(['run', '--only', 'ingest'], env, log);
    await waitFor(count, (n) => n >= events.length, 90_000, `all ${events.length} events`);
    second.kill('SIGTERM');
    expect(await exited(second)).not.toBe(null);

    const ledger = await openLedger(env.LEDGER_URL!);
    try {
      const ids = await tenantEventIds(ledger);
      expect(ids.size).toBe(events.length);
      // Plus the PolicyActivated entry `run` records in the policy stream.
      expect(await ledger.counts()).toEqual({ entries: events.length + 1, streams: 51 });
      expect(await ledger.verify()).toMatchObject({ ok: true, entries: events.length + 1 });
    } finally {
      await ledger.close();
    }
    const verify = await runCli(['verify'], env);
    expect(verify.stdout).toMatch(new RegExp(`^ok: ${events.length + 1} entries in 51 streams`));
    expect(verify.code).toBe(0);
  }, 240_000);
});
