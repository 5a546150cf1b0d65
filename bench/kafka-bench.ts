import { Kafka } from 'kafkajs';
import { BatchConsumer } from '@app/kafka';
import type { RawRecord } from '@app/contracts';

/** Consumes `topics` with a fresh group until `expected` records were handled; returns records/s. */
export async function consumeRate(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  expected: number,
  handler: (records: RawRecord[]) => Promise<void>,
): Promise<{ perSec: number; seconds: number }> {
  let seen = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  const started = process.hrtime.bigint();
  const consumer = new BatchConsumer(kafka, {
    groupId,
    topics,
    handler: async (records) => {
      await handler(records);
      seen += records.length;
      if (seen >= expected) resolveDone();
    },
  });
  await consumer.start();
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.stop();
  return { perSec: expected / seconds, seconds };
}
