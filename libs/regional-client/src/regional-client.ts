import type { Kafka } from 'kafkajs';
import { RawRecord, regionRule, TopicNames } from '@app/contracts';
import { BatchConsumer, IdempotentProducer } from '@app/kafka';
import { ClientCounters, CommandProcessor, RejectionHook } from './command-processor';
import { DedupeStore, InMemoryDedupeStore } from './dedupe-store';
import type { DeletionHandler } from './deletion-handler';
import { receiptValue } from './receipt';

export interface RegionalClientOptions {
  kafka: Kafka;
  /** This store's region: the only command topic consumed, the only region executed, the receipt topic used. */
  region: string;
  topics: TopicNames;
  /** Consumer group; instances of one store share it to split the region's partitions. */
  groupId: string;
  handler: DeletionHandler;
  /** Default: in memory (forgets on restart). */
  dedupe?: DedupeStore;
  now?: () => Date;
  /**
   * Told about each refused command (malformed, another region's, a reused commandId);
   * the command is skipped, not executed, and gets no receipt. Awaited before the
   * batch's offsets are committed, so it may dead-letter durably; if it throws, the
   * batch is redelivered. Default: one JSON line on stderr.
   */
  onRejected?: RejectionHook;
  /** Store names this service answers for; commands for the region's other stores are left to them. Default: all. */
  stores?: readonly string[];
  /** The consumer stopped for good (kafkajs gave up restarting it). */
  onCrash?: (error: Error) => void;
}

function logRejection(raw: RawRecord, reason: string): void {
  const line = {
    level: 'warn',
    msg: 'deletion command refused',
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    reason,
  };
  process.stderr.write(JSON.stringify(line) + '\n');
}

/**
 * The SDK a regional storage service runs: consumes its own region's deletion commands,
 * executes each through `handler` at most once per commandId, and publishes receipts to
 * its own region's receipt topic. A batch's offsets are committed only after its
 * receipts are acknowledged by the broker, so a crash loses nothing: the redelivered
 * commands are answered from the dedupe store.
 */
export class RegionalClient {
  private readonly processor: CommandProcessor;
  private readonly producer: IdempotentProducer;
  private readonly consumer: BatchConsumer;
  readonly receiptTopic: string;
  readonly commandTopic: string;

  constructor(opts: RegionalClientOptions) {
    const problem = regionRule.check(opts.region);
    if (problem !== undefined) throw new Error(`RegionalClient: region ${problem}`);
    this.commandTopic = opts.topics.commands(opts.region);
    this.receiptTopic = opts.topics.receipts(opts.region);
    this.processor = new CommandProcessor({
      region: opts.region,
      handler: opts.handler,
      dedupe: opts.dedupe ?? new InMemoryDedupeStore(),
      now: opts.now ?? (() => new Date()),
      onRejected: opts.onRejected ?? logRejection,
      stores: opts.stores ? new Set(opts.stores) : undefined,
    });
    this.producer = new IdempotentProducer(opts.kafka);
    this.consumer = new BatchConsumer(opts.kafka, {
      groupId: opts.groupId,
      topics: [this.commandTopic],
      // A store that joins late must still act on commands issued before it started.
      fromBeginning: true,
      handler: (records) => this.handleBatch(records),
      onCrash: opts.onCrash,
    });
  }

  get counters(): Readonly<ClientCounters> {
    return { ...this.processor.counters };
  }

  get status(): BatchConsumer['status'] {
    return this.consumer.status;
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.start();
  }

  /** Lets the batch in flight finish (receipts sent, offsets committed), then disconnects. */
  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.disconnect();
  }

  private async handleBatch(records: RawRecord[]): Promise<void> {
    const receipts = await this.processor.process(records);
    await this.producer.send(
      this.receiptTopic,
      receipts.map((r) => ({ key: r.tenantId, value: receiptValue(r) })),
    );
  }
}
