import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigResourceTypes } from 'kafkajs';
import { TopicNames } from '@app/contracts';
import { createKafka, retryingRetriable } from '@app/kafka';
import { openLedger } from '@app/ledger';
import { eventsInLedger, tenantEventIds } from './support/ledger-facts';
import { exited, runCli, startCli, testEnv } from './support/cli-process';
import { lifecycleEvents } from './support/fixtures';
import { produce, randomPrefix, waitFor } from './support/kafka';
import { PrivateBroker, startPrivateBroker } from './support/private-broker';

const EVENTS = 6000;
const TENANTS = 30;

/**
 * A three-broker KRaft cluster (deploy/kafka `--cluster 3`), topics with replication
 * factor 3 and min.insync.replicas 2, acks=all producers: one broker is killed (SIGKILL)
 * while events stream in and ingest appends them. Nothing acknowledged may be lost, and
 * nothing may reach the ledger twice.
 */
describe('ingest on a three-broker cluster that loses a broker mid-stream', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-cluster-'));
  let cluster: PrivateBroker;

  beforeAll(async () => {
    cluster = await startPrivateBroker({ nodes: 3, heap: '256m' });
    // Three JVMs on two cores: a loaded machine took over 120 s to bring them up (a start-up
    // wait, not a figure under test).
  }, 240_000);

  let stopIngest: (() => void) | undefined;

  afterAll(async () => {
    stopIngest?.();
    await cluster?.stop();
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps every event exactly once, and verify passes', async () => {
    const prefix = randomPrefix();
    const topics = new TopicNames(prefix, ['eu', 'us']);
    const env = testEnv(dir, prefix, {
      extra: { KAFKA_BROKERS: cluster.info.brokers, KAFKA_REPLICATION_FACTOR: '3', LOG_LEVEL: 'info' },
    });
    const kafka = createKafka({ brokers: cluster.info.brokers.split(','), clientId: 'cluster-test' });
    const count = () => eventsInLedger(path.join(dir, 'ledger.db'));
    const log = path.join(dir, 'ingest.log');
    const ingest = startCli(['run', '--only', 'ingest'], env, log);
    // A failed expectation must not leave the ingest process behind, retrying a stopped cluster.
    stopIngest = () => ingest.kill('SIGKILL');
    const admin = kafka.admin();
    await admin.connect();
    let victim: number;
    try {
      // ingest created its topics: replicated 3 times, a write needs 2 in-sync replicas.
      const created = topics.lifecycle('data-created');
      await waitFor(
        () => admin.listTopics(),
        (l) => topics.allTopics().every((t) => l.includes(t)),
        60_000,
        'ingest to create the topics',
      );
      // KRaft: a broker answers from its metadata image, which may lag the controller's commit
      // ("does not host this topic-partition" for a topic another broker lists): retried.
      const [meta] = (await retryingRetriable(() => admin.fetchTopicMetadata({ topics: [created] }))).topics;
      expect(meta.partitions.every((p) => p.replicas.length === 3)).toBe(true);
      const configs = await retryingRetriable(() =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            { type: ConfigResourceTypes.TOPIC, name: created, configNames: ['min.insync.replicas'] },
          ],
        }),
      );
      expect(configs.resources[0].configEntries[0].configValue).toBe('2');
      // The broker that leads partition 0 of the busiest topic goes down.
      victim = meta.partitions.find((p) => p.partitionId === 0)!.leader;
    } finally {
      await admin.disconnect();
    }

    const events = lifecycleEvents(EVENTS, { tenants: TENANTS, seed: 'cluster' });
    const send = async (from: number, to: number) => {
      const byTopic = new Map<string, Array<{ key: string; value: string }>>();
      for (const e of events.slice(from, to)) {
        const t = topics.lifecycle(e.topic);
        byTopic.set(t, [...(byTopic.get(t) ?? []), { key: e.key, value: JSON.stringify(e.value) }]);
      }
      for (const [topic, msgs] of byTopic) {
        // Like a real at-least-once producer: a send that failed while the cluster moved its
        // leaders is sent again (records it had written land twice on the topic; the ledger
        // must still hold each event once).
        for (let attempt = 1; ; attempt++) {
          try {
            await produce(kafka, topic, msgs, 250);
            break;
          } catch (err) {
            if (attempt === 5) throw err;
            await new Promise((r) => setTimeout(r, 1000 * attempt));
          }
        }
      }
    };
    const third = EVENTS / 3;
    await send(0, third);
    await waitFor(count, (n) => n > 500, 60_000, 'ingest to get going');
    // SIGKILL: no controlled shutdown, leadership moves only once the cluster fences the node.
    process.kill(cluster.info.pids[victim - 1], 'SIGKILL');
    await send(third, EVENTS);

    // Generous: a shared 2-core machine under load can take minutes; say why when it fails.
    await waitFor(count, (n) => n >= EVENTS, 300_000, `all ${EVENTS} events in the ledger`).catch(
      (err: Error) => {
        const tail = fs.readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n');
        throw new Error(`${err.message}\ningest log (last lines):\n${tail}`);
      },
    );
    ingest.kill('SIGTERM');
    await exited(ingest);

    const ledger = await openLedger(env.LEDGER_URL!);
    try {
      const ids = await tenantEventIds(ledger);
      expect(ids.size).toBe(EVENTS);
      // Ledger entries = distinct events (+ the PolicyActivated entry): nothing twice.
      expect(await ledger.counts()).toEqual({ entries: EVENTS + 1, streams: TENANTS + 1 });
    } finally {
      await ledger.close();
    }
    const verify = await runCli(['verify'], env);
    expect(verify.stdout).toMatch(new RegExp(`^ok: ${EVENTS + 1} entries in ${TENANTS + 1} streams`));
    expect(verify.code).toBe(0);
  }, 450_000);
});
