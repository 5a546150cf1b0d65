#!/usr/bin/env node
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '@app/config';
import { TopicNames } from '@app/contracts';
import {
  createKafka,
  driftMessage,
  ensureTopics,
  KafkaSecurityError,
  MissingTopicsError,
  securityFailure,
  topicSpec,
} from '@app/kafka';
import { RegionalStore } from '@app/regional-store';
import { readStoreConfig, StoreConfigError } from './store-config';

/**
 * The reference regional store as its own process:
 *   KAFKA_BROKERS=localhost:19092 REGION=eu node dist/apps/regional-store/src/main.js
 * JSON logs on stderr; SIGTERM / Ctrl-C finishes the batches in flight, then exits 0.
 */
async function main(): Promise<void> {
  const config = readStoreConfig(process.env);
  // The project's logger: subject ids redacted, and logged errors without the values a
  // store's message or PostgreSQL's detail could quote (docs/bad-input.md).
  const log = createLogger(config.logLevel, `regional-store-${config.region}`);
  fs.mkdirSync(path.dirname(config.dbPath), { recursive: true });
  const kafka = createKafka({
    brokers: config.brokers,
    clientId: config.kafka.clientId,
    security: config.kafka,
    log: (level, message, extra) => log[level]({ ...extra }, message),
  });
  const topics = new TopicNames(config.topicPrefix, [config.region]);
  // A refused password or certificate stops start-up with exit 4 and says what to check.
  const explain = (err: unknown) => {
    throw securityFailure(err, config.kafka) ?? err;
  };
  // Standalone runs may come up before the ledger has created the topics; existing ones are the
  // ledger's, so their retention is only reported when it differs, never changed from here.
  await ensureTopics(
    kafka,
    [
      topicSpec(topics.lifecycle('data-created'), 'lifecycle', config.topics),
      topicSpec(topics.commands(config.region), 'commands', config.topics),
      topicSpec(topics.receipts(config.region), 'receipts', config.topics),
    ],
    { ...config.topics, alignExisting: false },
    3,
    (d) => log.warn(d, driftMessage(d)),
  ).catch(explain);

  let stopping: Promise<void> | undefined;
  const stop = (code: number) => {
    stopping ??= store
      .stop()
      .catch((err: Error) => log.error({ error: err.message }, 'stop failed'))
      .finally(() => process.exit(code));
    return stopping;
  };
  const store = new RegionalStore({
    kafka,
    region: config.region,
    topics,
    dbPath: config.dbPath,
    groupId: config.groupId,
    logger: log,
    onCrash: (error) => {
      log.fatal({ error: error.message }, 'consumer crashed');
      void stop(1);
    },
  });
  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));
  await store.start().catch(explain);
  log.info(
    { db: config.dbPath, groupId: config.groupId },
    'SIGTERM or Ctrl-C stops it after the batches in flight',
  );
}

main().catch((err: Error) => {
  const code =
    err instanceof StoreConfigError || err instanceof MissingTopicsError
      ? 2
      : err instanceof KafkaSecurityError
        ? 4
        : 1;
  process.stderr.write(`regional-store: ${err.message}\n`);
  process.exit(code);
});
