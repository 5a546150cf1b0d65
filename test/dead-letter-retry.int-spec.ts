import { RawRecord, TopicNames } from '@app/contracts';
import { DeadLetterPublisher, ensureTopics, IdempotentProducer, topicRecordCount } from '@app/kafka';
import type { LedgerStore } from '@app/ledger';
import { createIngestor } from '@app/pipeline';
import { randomPrefix, testKafka } from './support/kafka';

const REGIONS = ['eu'];

/**
 * Under load (the fuzz campaign on a busy machine) a dead-letter send can fail after earlier
 * sends of the same batch reached the broker. Ingest retries the fault, and used to publish
 * the whole batch of dead letters again: the records of the sends that had succeeded were
 * dead-lettered twice. Here, on the real broker, the second of three sends fails once.
 */
describe('dead letters across a failed send', () => {
  const kafka = testKafka();
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, REGIONS);
  const producer = new IdempotentProducer(kafka);

  beforeAll(() => ensureTopics(kafka, topics.allTopics()), 60_000);
  afterAll(() => producer.disconnect());

  it('each rejected record is on the dead-letter topic once, though a send in the middle failed', async () => {
    let sends = 0;
    const flaky = new Proxy(producer, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
        return async (...args: Parameters<IdempotentProducer['send']>) => {
          // A connection lost before the broker took the request: kafkajs marks it retriable.
          if (++sends === 2)
            throw Object.assign(new Error('Connection error: socket hang up'), { retriable: true });
          return target.send(...args);
        };
      },
    });
    const deadLetters = new DeadLetterPublisher(flaky, topics.deadLetter);
    const ingestor = createIngestor({
      ledger: {} as LedgerStore, // every record is rejected before the ledger is asked
      now: () => new Date(),
      deadLetter: (r, at, between) => deadLetters.publish(r, at, between),
      check: null,
      sleep: async () => undefined,
      settings: {
        topics,
        categories: new Set(['personal']),
        regions: new Set(REGIONS),
        maxFutureSkewMs: 900_000,
        minOccurredAtMs: 0,
        maxMessageBytes: 256 * 1024,
      },
    });
    // Three oversized records: each letter keeps up to 512 KiB of the original, one letter a send.
    const records: RawRecord[] = [0, 1, 2].map((i) => ({
      topic: topics.lifecycle('data-created'),
      partition: 0,
      offset: String(i),
      key: Buffer.from('acme'),
      value: Buffer.alloc(300 * 1024, 0x61 + i),
      headers: {},
    }));
    await ingestor.handle(records);

    expect(sends).toBe(4); // three sends, one of them again
    expect(ingestor.counters).toMatchObject({ rejected: 3, transientRetries: 1 });
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await topicRecordCount(admin, topics.deadLetter)).toBe(3);
    } finally {
      await admin.disconnect();
    }
  });
});
