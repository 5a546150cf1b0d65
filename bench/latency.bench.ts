import fs from 'node:fs';
import path from 'node:path';
import { Kafka } from 'kafkajs';
import { createLogger, loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { startRuntime } from '../apps/cli/src/runtime';

export const ZERO_DELAY_POLICY = `
version: bench-zero-delay
categories: [personal, delayed]
rules:
  personal:
    onDataDeletion:    { action: purge, after: PT0S, deadline: P30D }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubscriptionEnd: { action: keep }
  delayed:
    onDataDeletion:    { action: purge, after: P3650D, deadline: P3660D }
    onSubjectDeletion: { action: keep }
    onSubscriptionEnd: { action: keep }
`;

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  baselineP50Ms: number;
  baselineP99Ms: number;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function sendSpaced(
  kafka: Kafka,
  messages: Array<{ topic: string; key: string; value: string }>,
  gapMs: number,
) {
  const producer = kafka.producer();
  await producer.connect();
  const sentAt: number[] = [];
  for (const m of messages) {
    sentAt.push(Date.now());
    await producer.send({ topic: m.topic, acks: -1, messages: [{ key: m.key, value: m.value }] });
    await new Promise((r) => setTimeout(r, gapMs));
  }
  await producer.disconnect();
  return sentAt;
}

/** Collects `count` records from `topics`, calling `id` on each to key its arrival time. */
async function arrivals(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  count: number,
  id: (v: string) => number,
) {
  const at = new Map<number, number>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      at.set(id(message.value!.toString()), Date.now());
      if (at.size >= count) resolve();
    },
  });
  return { at, done, stop: () => consumer.disconnect() };
}

/**
 * user-deleted published → deletion command on the regional topic, with a zero-delay
 * policy and every service in one process; baseline: a plain produce → consume round trip.
 */
export async function benchLatency(kafka: Kafka, dir: string, triggers: number): Promise<LatencyFigures> {
  const prefix = `lat${Date.now().toString(36)}.`;
  const policy = path.join(dir, 'zero-delay.yaml');
  fs.writeFileSync(policy, ZERO_DELAY_POLICY);
  const config = loadConfig({
    ...process.env,
    LEDGER_URL: `sqlite:${path.join(dir, 'latency-ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'latency-read-model.db')}`,
    RETENTION_POLICY: policy,
    TOPIC_PREFIX: prefix,
    REGIONS: 'eu,us',
  });
  const topics = new TopicNames(prefix, ['eu', 'us']);
  await ensureTopics(kafka, [...topics.allTopics(), `${prefix}baseline`]);

  // Baseline first, while nothing else runs.
  const base = await arrivals(kafka, `${prefix}baseline-reader`, [`${prefix}baseline`], triggers, (v) =>
    Number(v),
  );
  const baseSent = await sendSpaced(
    kafka,
    Array.from({ length: triggers }, (_, i) => ({ topic: `${prefix}baseline`, key: 'k', value: String(i) })),
    10,
  );
  await base.done;
  await base.stop();
  const baseLat = baseSent.map((t, i) => base.at.get(i)! - t);

  const runtime = await startRuntime(config, ['ingest', 'projector', 'dispatcher'], {
    log: createLogger('warn', 'bench', path.join(dir, 'latency.log')),
  });
  try {
    const producer = kafka.producer();
    await producer.connect();
    const at = new Date().toISOString();
    await producer.send({
      topic: topics.lifecycle('data-created'),
      acks: -1,
      messages: Array.from({ length: triggers }, (_, i) => ({
        key: `lat-${i % 50}`,
        value: JSON.stringify({
          eventId: `lat-c-${i}`,
          tenantId: `lat-${i % 50}`,
          occurredAt: at,
          dataId: `d-${i}`,
          category: 'personal',
          region: i % 2 ? 'us' : 'eu',
          store: 'main',
          subjectId: `u-${i}`,
        }),
      })),
    });
    await producer.disconnect();
    await new Promise((r) => setTimeout(r, 3000));
    const cmds = await arrivals(
      kafka,
      `${prefix}cmd-reader`,
      [topics.commands('eu'), topics.commands('us')],
      triggers,
      (v) => Number(JSON.parse(v).target.subjectId.slice(2)),
    );
    const sent = await sendSpaced(
      kafka,
      Array.from({ length: triggers }, (_, i) => ({
        topic: topics.lifecycle('user-deleted'),
        key: `lat-${i % 50}`,
        value: JSON.stringify({
          eventId: `lat-u-${i}`,
          tenantId: `lat-${i % 50}`,
          occurredAt: new Date().toISOString(),
          subjectId: `u-${i}`,
          deletedBy: 'admin',
        }),
      })),
      10,
    );
    await cmds.done;
    await cmds.stop();
    const lat = sent.map((t, i) => cmds.at.get(i)! - t);
    return {
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      baselineP50Ms: percentile(baseLat, 50),
      baselineP99Ms: percentile(baseLat, 99),
    };
  } finally {
    await runtime.stop();
  }
}
