import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TopicNames } from '@app/contracts';
import {
  APP_CONFIG,
  AppConfig,
  CLOCK,
  Clock,
  KAFKA,
  LEDGER_STORE,
  LOGGER,
  Logger,
  SUBJECT_KEYS,
  WORK_SIGNAL,
  WorkSignal,
} from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { SubjectKeyStore } from '@app/subject-keys';
import {
  BatchConsumer,
  DeadLetterPublisher,
  driftMessage,
  ensureTopics,
  IdempotentProducer,
  systemTopicSpecs,
} from '@app/kafka';
import type { Ingestor } from './ingestor';
import { createIngestor, ingestSettings } from './create-ingestor';
import { KNOWN_CATEGORIES } from './known-categories';
import { ledgerSealer } from './subject-sealer';

/** Wires the batch consumer over every lifecycle and receipt topic to the ledger. */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: BatchConsumer | undefined;
  private producer: IdempotentProducer | undefined;
  readonly ingestor: Ingestor;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LEDGER_STORE) ledger: LedgerStore,
    @Inject(KNOWN_CATEGORIES) categories: ReadonlySet<string>,
    @Inject(CLOCK) now: Clock,
    @Inject(WORK_SIGNAL) private readonly signal: WorkSignal,
    @Optional() @Inject(SUBJECT_KEYS) subjectKeys?: SubjectKeyStore,
  ) {
    const topics = new TopicNames(config.topicPrefix, config.regions);
    this.producer = new IdempotentProducer(kafka);
    const deadLetters = new DeadLetterPublisher(this.producer, topics.deadLetter);
    this.ingestor = createIngestor({
      ledger,
      now,
      settings: ingestSettings(config, categories),
      seal:
        subjectKeys &&
        ledgerSealer(ledger, subjectKeys, () =>
          this.log.warn(
            'this ledger stores subject ids in plaintext (its first subject part is plain): new entries stay plain until it is migrated (docs/subject-data.md)',
          ),
        ),
      deadLetter: (rejections, at, between) => {
        for (const r of rejections) {
          this.log.warn(
            {
              topic: r.record.topic,
              partition: r.record.partition,
              offset: r.record.offset,
              reason: r.reason,
            },
            'record dead-lettered',
          );
        }
        return deadLetters.publish(rejections, at, between);
      },
      onTransient: (err, attempt) =>
        this.log.warn(
          { err, attempt },
          'ingest: transient fault (store or broker unavailable), retrying with backoff',
        ),
    });
  }

  get consumerStatus(): string {
    return this.consumer?.status ?? 'idle';
  }

  get consumerLag(): number {
    return this.consumer?.lagTotal ?? 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    const topics = new TopicNames(this.config.topicPrefix, this.config.regions);
    await ensureTopics(this.kafka, systemTopicSpecs(topics, this.config.topics), this.config.topics, 3, (d) =>
      this.log.warn(d, driftMessage(d)),
    );
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: this.config.ingestGroupId,
      topics: topics.ingestTopics(),
      handler: async (records, control) => {
        await this.ingestor.handle(records, control);
        this.signal.emit('ledger');
      },
      onCrash: (error) =>
        this.log.error({ err: error }, 'ingest consumer stopped after a non-retriable error'),
      onRestart: (error, inMs) =>
        this.log.warn(
          { err: error, inMs },
          'ingest consumer: kafkajs gave up on a transient fault; a new consumer starts after a backoff',
        ),
    });
    await this.consumer.start();
    this.log.info(
      { group: this.config.ingestGroupId, topics: topics.ingestTopics().length },
      'ingest running',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.producer?.disconnect();
    this.log.info(this.ingestor.counters, 'ingest stopped');
  }
}
