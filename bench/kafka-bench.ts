import { Kafka, type Producer } from 'kafkajs';
import { BatchConsumer } from '@app/kafka';
import type { RawRecord, TopicNames } from '@app/contracts';
import type { FixtureEvent } from '../test/support/fixtures';

type Handler = (records: RawRecord[]) => Promise<void>;

/**
 * Consumes `topics` with a fresh group until `expected` records were handled; returns
 * records/s. Several handlers: one BatchConsumer each, all in the one group (instances
 * sharing the partitions), started together. `cpuUsPerEvent`: this process's CPU time
 * (user + system) per record, which other load on a shared machine disturbs far less than
 * the rate (it excludes the broker's and a database server's own CPU).
 */
export async function consumeRate(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  expected: number,
  handlers: Handler | Handler[],
): Promise<{ perSec: number; seconds: number; cpuUsPerEvent: number }> {
  // Distinct records: a rebalance between instances may hand a batch to both.
  const seen = new Set<string>();
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const consumers = (Array.isArray(handlers) ? handlers : [handlers]).map(
    (handler) =>
      new BatchConsumer(kafka, {
        groupId,
        topics,
        handler: async (records) => {
          await handler(records);
          for (const r of records) seen.add(`${r.topic}\0${r.partition}\0${r.offset}`);
          if (seen.size >= expected) resolveDone();
        },
      }),
  );
  await Promise.all(consumers.map((c) => c.start()));
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  await Promise.all(consumers.map((c) => c.stop()));
  return { perSec: expected / seconds, seconds, cpuUsPerEvent: (used.user + used.system) / expected };
}

/** Produces fixture events to their lifecycle topics in sends of 5 000 (acks=all): a backlog to consume. */
export async function produceLifecycle(
  producer: Producer,
  topics: TopicNames,
  events: readonly FixtureEvent[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 5000) {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const e of events.slice(i, i + 5000)) {
      const t = topics.lifecycle(e.topic);
      byTopic.set(t, [...(byTopic.get(t) ?? []), { key: e.key, value: JSON.stringify(e.value) }]);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}
