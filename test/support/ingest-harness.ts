import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka } from 'kafkajs';
import { TopicNames } from '@app/contracts';
import { openLedger, type LedgerStore } from '@app/ledger';
import { BatchConsumer, DeadLetterPublisher, ensureTopics, IdempotentProducer } from '@app/kafka';
import { randomPrefix, testKafka } from './kafka';
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
  /** The consumer's session timeout (BatchConsumer's default: 30 s). */
  sessionTimeoutMs?: number;
  /** Runs after each dead-letter publish has resolved (durable): a stall, in a test of redelivery. */
  afterDeadLetter?: () => Promise<void>;
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
    deadLetter: async (r, at, between) => {
      await deadLetters.publish(r, at, between);
      await opts.afterDeadLetter?.();
    },
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
    sessionTimeoutMs: opts.sessionTimeoutMs,
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

export interface IngestFixture {
  dir: string;
  kafka: Kafka;
  prefix: string;
  topics: TopicNames;
  ledger: LedgerStore;
  ingest: Awaited<ReturnType<typeof startIngest>>;
  /** Stops ingest, closes the ledger, removes the directory. */
  close(): Promise<void>;
}

/**
 * A fresh SQLite ledger in a temporary directory, this test's own topics (random prefix)
 * and ingest consuming them: the setup the ingest tests share. `beforeIngest` runs once
 * the topics and the ledger exist (entries to start from).
 */
export async function startIngestFixture(
  label: string,
  opts: HarnessOptions & {
    /** Runs before the fixture creates the topics it lacks: a topic of special settings. */
    beforeTopics?: (f: Pick<IngestFixture, 'kafka' | 'topics'>) => Promise<void>;
    beforeIngest?: (f: Pick<IngestFixture, 'kafka' | 'topics' | 'ledger'>) => Promise<void>;
    /** A check that reads this fixture's ledger (e.g. the hold-release check). */
    checkOn?: (ledger: LedgerStore) => NonNullable<IngestorDeps['check']>;
  },
): Promise<IngestFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rl-${label}-`));
  const kafka = testKafka();
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, opts.regions);
  await opts.beforeTopics?.({ kafka, topics });
  await ensureTopics(kafka, topics.allTopics());
  const ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
  await opts.beforeIngest?.({ kafka, topics, ledger });
  const check = opts.checkOn?.(ledger) ?? opts.check;
  const ingest = await startIngest(kafka, topics, ledger, `${prefix}ingest`, { ...opts, check });
  return {
    dir,
    kafka,
    prefix,
    topics,
    ledger,
    ingest,
    close: async () => {
      await ingest.stop();
      await ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
