import { randomBytes } from 'node:crypto';
import { BatchConsumer } from './batch-consumer';
import { createKafka } from './kafka-client';
import { ensureTopics } from './topic-admin';

/**
 * Issue 8: on stop (SIGTERM) kafkajs skipped the commit of the batch in flight —
 * `consumer.commitOffsets` returns without committing once `disconnect()` began — so the
 * next member re-read a batch already handled. Here stop() is called while a batch is in
 * the handler; the batch must be committed.
 */
describe('BatchConsumer on the real broker', () => {
  it('commits the batch in flight when stopped in the middle of it', async () => {
    const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'bc-test' });
    const topic = `t${randomBytes(5).toString('hex')}.stop`;
    const groupId = `${topic}-group`;
    await ensureTopics(kafka, [topic], { create: true }, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();

    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let handled = 0;
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topics: [topic],
      handler: async (records) => {
        entered();
        await released;
        handled += records.length;
      },
    });
    await consumer.start();
    await inHandler;
    const stopping = consumer.stop();
    // Let disconnect() begin (kafkajs marks the runner stopped at once), then finish the batch.
    await new Promise((r) => setTimeout(r, 200));
    release();
    await stopping;

    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(handled).toBeGreaterThan(0);
    expect(offsets.partitions[0].offset).toBe(String(handled));
  }, 60_000);
});
