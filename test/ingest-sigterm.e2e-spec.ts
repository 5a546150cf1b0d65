import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POLICY_STREAM, TopicNames } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';
import { lifecycleEvents } from './support/fixtures';
import { exited, startCli, testEnv } from './support/cli-process';

const REGIONS = ['eu', 'us'];

/**
 * Issue 8: on SIGTERM kafkajs skipped the commit of the batch in flight (its
 * `consumer.commitOffsets` returns early once `disconnect()` began), so the next member
 * re-read a batch already appended. After a SIGTERM in mid-stream every appended entry
 * must lie below its partition's committed offset.
 */
describe('ingest stopped with SIGTERM in the middle of a stream', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-sigterm-'));
  const prefix = randomPrefix();
  const env = testEnv(dir, prefix, { regions: REGIONS });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('commits the batch in flight before it leaves', async () => {
    const kafka = testKafka();
    const topics = new TopicNames(prefix, REGIONS);
    await ensureTopics(kafka, topics.allTopics());
    const events = lifecycleEvents(20_000, { tenants: 30, seed: 'term' });
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const e of events) {
      const t = topics.lifecycle(e.topic);
      byTopic.set(t, [...(byTopic.get(t) ?? []), { key: e.key, value: JSON.stringify(e.value) }]);
    }
    for (const [topic, msgs] of byTopic) await produce(kafka, topic, msgs);
    const ledgerPath = path.join(dir, 'ledger.db');
    const count = async () => {
      if (!fs.existsSync(ledgerPath)) return 0;
      const ledger = await openLedger(env.LEDGER_URL!);
      try {
        return (await ledger.counts()).entries;
      } finally {
        await ledger.close();
      }
    };
    const child = startCli(['run', '--only', 'ingest'], env, path.join(dir, 'ingest.log'));
    await waitFor(count, (n) => n > 3000, 60_000, 'ingest to get going');
    child.kill('SIGTERM');
    await exited(child);

    const appended = new Map<string, bigint>();
    const ledger = await openLedger(env.LEDGER_URL!);
    try {
      for (let after: string | undefined; ;) {
        const page = await ledger.readAll(after, 10_000);
        for (const e of page.entries) {
          if (e.tenantId === POLICY_STREAM || e.source === null) continue;
          const k = `${e.source.topic}:${e.source.partition}`;
          const o = BigInt(e.source.offset);
          if ((appended.get(k) ?? -1n) < o) appended.set(k, o);
        }
        if (page.entries.length === 0) break;
        after = page.last;
      }
    } finally {
      await ledger.close();
    }
    expect(appended.size).toBeGreaterThan(0);
    const admin = kafka.admin();
    await admin.connect();
    const committed = new Map<string, bigint>();
    for (const t of await admin.fetchOffsets({
      groupId: `${prefix}retention-ledger-ingest`,
      topics: topics.ingestTopics(),
    })) {
      for (const p of t.partitions) committed.set(`${t.topic}:${p.partition}`, BigInt(p.offset));
    }
    await admin.disconnect();
    const uncommitted = [...appended].filter(([k, last]) => (committed.get(k) ?? -1n) <= last);
    expect(
      uncommitted.map(([k, last]) => `${k} appended up to ${last}, committed ${committed.get(k)}`),
    ).toEqual([]);
  }, 180_000);
});
