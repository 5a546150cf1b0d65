import type { Kafka } from 'kafkajs';
import pino, { Logger } from 'pino';
import { RawRecord, TopicNames } from '@app/contracts';
import { BatchConsumer } from '@app/kafka';
import { ClientCounters, DeletionContext, DeletionResult, RegionalClient } from '@app/regional-client';
import type { DeletionCommand } from '@app/contracts';
import { readDataCreated } from './data-created-reader';
import type { DataItem } from './data-item';
import { SqliteDedupeStore } from './sqlite-dedupe-store';
import { StoreDatabase } from './store-database';

export interface RegionalStoreOptions {
  kafka: Kafka;
  region: string;
  topics: TopicNames;
  /** SQLite file holding the rows and the dedupe records. */
  dbPath: string;
  /** Consumer group of the command client; the data-created reader uses `<groupId>.data-created`. */
  groupId: string;
  logger?: Logger;
  now?: () => Date;
  /** A consumer stopped for good; the process should exit. */
  onCrash?: (error: Error) => void;
}

export interface DataCounters {
  inserted: number;
  duplicate: number;
  alreadyPurged: number;
  otherRegion: number;
  invalid: number;
}

/**
 * The reference regional store used by the demo and e2e tests. It plays two parts:
 * the service that owns the data (it stores a row per `data-created` event of its
 * region) and the storage service that obeys deletion commands through the SDK,
 * deleting real rows and answering with receipts.
 */
export class RegionalStore {
  private readonly db: StoreDatabase;
  private readonly client: RegionalClient;
  private readonly dataReader: BatchConsumer;
  private readonly log: Logger;
  readonly dataCounters: DataCounters = {
    inserted: 0,
    duplicate: 0,
    alreadyPurged: 0,
    otherRegion: 0,
    invalid: 0,
  };

  constructor(private readonly opts: RegionalStoreOptions) {
    this.log = opts.logger ?? pino({ level: 'silent' });
    this.db = new StoreDatabase(opts.dbPath);
    this.client = new RegionalClient({
      kafka: opts.kafka,
      region: opts.region,
      topics: opts.topics,
      groupId: opts.groupId,
      dedupe: new SqliteDedupeStore(this.db),
      now: opts.now,
      handler: (command, context) => this.execute(command, context),
      onRejected: (raw, reason) => this.log.warn({ ...provenance(raw), reason }, 'deletion command refused'),
      onCrash: opts.onCrash,
    });
    this.dataReader = new BatchConsumer(opts.kafka, {
      groupId: `${opts.groupId}.data-created`,
      topics: [opts.topics.lifecycle('data-created')],
      fromBeginning: true,
      handler: async (records) => this.storeData(records),
      onCrash: opts.onCrash,
    });
  }

  get commandCounters(): Readonly<ClientCounters> {
    return this.client.counters;
  }

  async start(): Promise<void> {
    await this.dataReader.start();
    await this.client.start();
    this.log.info(
      { region: this.opts.region, commands: this.client.commandTopic, receipts: this.client.receiptTopic },
      'regional store running',
    );
  }

  /** Finishes the batches in flight, then closes the database. */
  async stop(): Promise<void> {
    await this.client.stop();
    await this.dataReader.stop();
    this.db.close();
    this.log.info('regional store stopped');
  }

  /** The stored rows, for tests and the demo. */
  rows(tenantId?: string): DataItem[] {
    return this.db.items(tenantId);
  }

  private async execute(command: DeletionCommand, context: DeletionContext): Promise<DeletionResult> {
    const about = {
      commandId: command.commandId,
      tenantId: command.tenantId,
      store: command.store,
      target: command.target.kind,
    };
    try {
      const deletedCount = this.db.purge(command, (n) => context.completedReceipt(n));
      this.log.info({ ...about, deletedCount }, 'deletion executed');
      return { deletedCount };
    } catch (error) {
      this.log.error(
        { ...about, error: error instanceof Error ? error.message : 'non-Error thrown' },
        'deletion failed',
      );
      throw error;
    }
  }

  private storeData(records: RawRecord[]): void {
    const items: DataItem[] = [];
    for (const raw of records) {
      const outcome = readDataCreated(raw, this.opts.region);
      if (outcome.kind === 'item') items.push(outcome.item);
      else if (outcome.kind === 'other-region') this.dataCounters.otherRegion++;
      else {
        this.dataCounters.invalid++;
        this.log.warn({ ...provenance(raw), reason: outcome.reason }, 'data-created record skipped');
      }
    }
    for (const result of this.db.insertItems(items)) {
      if (result === 'inserted') this.dataCounters.inserted++;
      else if (result === 'duplicate') this.dataCounters.duplicate++;
      else this.dataCounters.alreadyPurged++;
    }
  }
}

function provenance(raw: RawRecord): { topic: string; partition: number; offset: string } {
  return { topic: raw.topic, partition: raw.partition, offset: raw.offset };
}
