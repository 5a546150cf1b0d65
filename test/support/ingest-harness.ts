import { Kafka } from 'kafkajs';
import { TopicNames } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { BatchConsumer, DeadLetterPublisher, IdempotentProducer } from '@app/kafka';
import { createIngestor, receiptCheck, type IngestorDeps } from '@app/pipeline';
import { issuedEventId } from '@app/contracts';

export interface HarnessOptions {
  regions: string[];
  maxMessageBytes?: number;
  minOccurredAtMs?: number;
  /** Check receipts against the ledger's issued commands, as `run` does. */
  receiptCheck?: boolean;
  /** Any other check (e.g. the hold-release check). */
  check?: IngestorDeps['check'];
}

/** Ingest wired as `run --only ingest` wires it, in this process, on the real broker. */
export async function startIngest(
  kafka: Kafka,
  topics: TopicNames,
  ledger: LedgerStore,
  groupId: string,
  opts: HarnessOptions,
) {
  const producer = new IdempotentProducer(kafka);
  const deadLetters = new DeadLetterPublisher(producer, topics.deadLetter);
  const crashes: Error[] = [];
  const ingestor = createIngestor({
    ledger,
    now: () => new Date(),
    deadLetter: (r, at, between) => deadLetters.publish(r, at, between),
    check: opts.receiptCheck
      ? receiptCheck((commandId) => ledger.findByEventId(issuedEventId(commandId)))
      : (opts.check ?? null),
    settings: {
      topics,
      categories: new Set(['personal', 'audit-log']),
      regions: new Set(opts.regions),
      maxFutureSkewMs: 15 * 60_000,
      minOccurredAtMs: opts.minOccurredAtMs ?? Date.parse('2000-01-01T00:00:00Z'),
      maxMessageBytes: opts.maxMessageBytes ?? 256 * 1024,
    },
  });
  const consumer = new BatchConsumer(kafka, {
    groupId,
    topics: topics.ingestTopics(),
    handler: (r, control) => ingestor.handle(r, control),
    onCrash: (e) => crashes.push(e),
  });
  await consumer.start();
  return {
    ingestor,
    consumer,
    crashes,
    stop: async () => {
      await consumer.stop();
      await producer.disconnect();
    },
  };
}
