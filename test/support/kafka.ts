import { randomBytes } from 'node:crypto';
import { Kafka, Message } from 'kafkajs';
import { createKafka, ensureTopics } from '@app/kafka';

/** Each test gets its own topics and groups: a random prefix on the shared broker. */
export function randomPrefix(): string {
  return `t${randomBytes(5).toString('hex')}.`;
}

export function testBrokers(): string[] {
  const b = process.env.KAFKA_BROKERS;
  if (!b) throw new Error('KAFKA_BROKERS is not set: the jest global setup starts the local broker');
  return b.split(',');
}

export function testKafka(clientId = 'test'): Kafka {
  return createKafka({ brokers: testBrokers(), clientId });
}

/**
 * Idempotent, so a send that kafkajs retries (e.g. "not the leader" on a topic the broker is
 * still settling) lands once: tests can then count exactly what is on the topic.
 */
export async function produce(kafka: Kafka, topic: string, messages: Message[], chunk = 2000): Promise<void> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedRecord {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/** Reads a whole topic from the beginning until `count` records arrived (or the timeout). */
export async function consumeAll(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  const consumer = kafka.consumer({ groupId: `${topic}-reader-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let settled = false;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      settled = true;
      reject(new Error(`only ${out.length} of ${count} records arrived on ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        out.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
          partition,
          offset: message.offset,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]),
          ),
        });
        if (out.length >= count && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}

export { ensureTopics };

export async function waitFor<T>(
  probe: () => Promise<T> | T,
  ok: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > until)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}
