import path from 'node:path';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { TopicNames } from '@app/contracts';
import { DeadLetterPublisher, IdempotentProducer } from '@app/kafka';
import { openLedger, type LedgerStore } from '@app/ledger';
import { createIngestor, type Ingestor } from '@app/pipeline';
import { consumeRate } from './kafka-bench';
import { profiled } from './cpu-profile';

export const BENCH_PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface IngestRun {
  perSec: number;
  /** This process's CPU per event (see consumeRate). */
  cpuUsPerEvent: number;
  appended: number;
  rejected: number;
}

/**
 * Ingest of the pre-produced topics into one fresh ledger by `instances` Ingestors, each
 * with its own BatchConsumer in one consumer group and its own ledger connection, all in
 * this process (so they share one JavaScript thread: what overlaps is waiting — for
 * SQLite's fsync, PostgreSQL's round trips and commits —, not parsing). The topics have
 * 3 partitions, so 2 instances split them 2 + 1.
 */
export async function ingestRun(
  kafka: Kafka,
  topics: TopicNames,
  regions: string[],
  groupId: string,
  ledgerUrl: string,
  instances: number,
  expected: number,
): Promise<IngestRun> {
  const ledgers: LedgerStore[] = [];
  for (let i = 0; i < instances; i++) ledgers.push(await openLedger(ledgerUrl));
  const dlq = new IdempotentProducer(kafka);
  const deadLetters = new DeadLetterPublisher(dlq, topics.deadLetter);
  const ingestors: Ingestor[] = ledgers.map((ledger) =>
    createIngestor({
      ledger,
      now: () => new Date(),
      deadLetter: (r, at) => deadLetters.publish(r, at),
      // Parsing, validation and the append alone, as this figure has always measured.
      check: null,
      settings: {
        topics,
        categories: new Set(['personal', 'audit-log']),
        regions: new Set(regions),
        maxFutureSkewMs: 900_000,
        minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
        maxMessageBytes: 256 * 1024,
      },
    }),
  );
  try {
    const { perSec, cpuUsPerEvent } = await consumeRate(
      kafka,
      groupId,
      topics.ingestTopics(),
      expected,
      ingestors.map((ingestor) => (records) => ingestor.handle(records)),
    );
    return {
      perSec,
      cpuUsPerEvent,
      appended: ingestors.reduce((n, i) => n + i.counters.appended, 0),
      rejected: ingestors.reduce((n, i) => n + i.counters.rejected, 0),
    };
  } finally {
    await dlq.disconnect();
    for (const l of ledgers) await l.close();
  }
}

export interface IngestScaleFigures {
  sqlite: [IngestRun, IngestRun];
  postgres: [IngestRun, IngestRun];
}

/** Ingest into SQLite and into PostgreSQL, with 1 and with 2 instances, each into a fresh ledger. */
export async function benchIngestScale(
  kafka: Kafka,
  topics: TopicNames,
  regions: string[],
  prefix: string,
  dir: string,
  expected: number,
): Promise<IngestScaleFigures> {
  const sqliteRun = (k: number) =>
    profiled(`ingest-sqlite-${k}`, () =>
      ingestRun(
        kafka,
        topics,
        regions,
        `${prefix}ingest-sqlite-${k}`,
        `sqlite:${path.join(dir, `ingest-${k}.db`)}`,
        k,
        expected,
      ),
    );
  const sqlite: [IngestRun, IngestRun] = [await sqliteRun(1), await sqliteRun(2)];
  const admin = new Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  const schema = (k: number) => `bench_ingest_${prefix.replace(/\W/g, '')}_${k}`;
  try {
    const pgRun = (k: number) =>
      profiled(`ingest-pg-${k}`, () =>
        ingestRun(
          kafka,
          topics,
          regions,
          `${prefix}ingest-pg-${k}`,
          `${BENCH_PG_URL}?schema=${schema(k)}`,
          k,
          expected,
        ),
      );
    const postgres: [IngestRun, IngestRun] = [await pgRun(1), await pgRun(2)];
    return { sqlite, postgres };
  } finally {
    for (const k of [1, 2]) await admin.query(`DROP SCHEMA IF EXISTS ${schema(k)} CASCADE`);
    await admin.end();
  }
}
