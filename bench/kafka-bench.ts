import { Kafka } from 'kafkajs';
import { BatchConsumer } from '@app/kafka';
import type { RawRecord } from '@app/contracts';

type Handler = (records: RawRecord[]) => Promise<void>;

/**
 * Consumes `topics` with a fresh group until `expected` records were handled; returns
 * records/s. Several handlers: one BatchConsumer each, all in the one group (instances
 * sharing the partitions), started together.
 */
export async function consumeRate(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  expected: number,
  handlers: Handler | Handler[],
): Promise<{ perSec: number; seconds: number }> {
  // Distinct records: a rebalance between instances may hand a batch to both.
  const seen = new Set<string>();
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  const started = process.hrtime.bigint();
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
  await Promise.all(consumers.map((c) => c.stop()));
  return { perSec: expected / seconds, seconds };
}
