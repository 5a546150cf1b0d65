import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { RawRecord } from '@app/contracts';
import { toRawRecord } from './raw-record';

/** What a handler may ask of the consumer while it works: keep going? and a heartbeat while it waits. */
export interface BatchControl {
  isRunning(): boolean;
  heartbeat(): Promise<void>;
}

/** Handles one partition's batch; offsets are committed only after it resolves. */
export type BatchHandler = (records: RawRecord[], control: BatchControl) => Promise<void>;

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /** Start from the beginning of topics the group has no offsets for (a ledger must not miss early facts). */
  fromBeginning?: boolean;
  handler: BatchHandler;
  onCrash?: (error: Error) => void;
  /** Most records a handler call gets (DEFAULT_SLICE_RECORDS); a fetched batch is handed over in slices. */
  sliceRecords?: number;
}

/**
 * A fetch brings a partition's whole backlog (thousands of records), and a SQLite append is
 * synchronous: handled at once, it held the event loop for half a second, and an API in the
 * same process timed out behind it. A slice of 1 000 records is tens of milliseconds of work;
 * the loop turns between slices. Each slice is a transaction of its own: on SQLite the
 * process spent less CPU per event (a slice's objects die young), on PostgreSQL each commit
 * flushes the WAL, ≈ 10 % of one instance's wall time (docs/scale-out.md).
 */
export const DEFAULT_SLICE_RECORDS = 1000;

/**
 * A kafkajs `eachBatch` consumer with manual commits. Nest's built-in Kafka transport
 * handles one message at a time and redelivers a poison message forever; here a whole
 * batch is handled, slice by slice (parse, append in one transaction, dead-letter), then
 * `offset + 1` of its last record is committed, so a crash redelivers at most the batch in
 * flight (its slices already appended are absorbed by eventId idempotency).
 */
export class BatchConsumer {
  private consumer: Consumer | undefined;
  private state: 'idle' | 'running' | 'stopped' | 'crashed' = 'idle';
  private readonly lag = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: BatchConsumerOptions,
  ) {}

  get status(): 'idle' | 'running' | 'stopped' | 'crashed' {
    return this.state;
  }

  /** Records the broker had beyond the last batch handled, summed over partitions. */
  get lagTotal(): number {
    let sum = 0;
    for (const v of this.lag.values()) sum += v;
    return sum;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) {
        this.state = 'crashed';
        this.opts.onCrash?.(payload.error);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.opts.topics, fromBeginning: this.opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.state = 'running';
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const size = this.opts.sliceRecords ?? DEFAULT_SLICE_RECORDS;
    let last: string | undefined;
    for (let from = 0; from < batch.messages.length; from += size) {
      // Between slices: a stopping or rebalanced consumer commits what it handled and leaves the rest.
      if (from > 0) {
        await new Promise((r) => setImmediate(r));
        if (!isRunning() || isStale()) break;
      }
      const slice = batch.messages.slice(from, from + size);
      const records = slice.map((m) => toRawRecord(batch.topic, batch.partition, m));
      await this.opts.handler(records, { isRunning, heartbeat });
      // The whole batch handled: its last offset, which passes aborted and control records after the last message.
      last = from + size >= batch.messages.length ? batch.lastOffset() : slice[slice.length - 1].offset;
      resolveOffset(last);
      await heartbeat();
    }
    if (last === undefined) return;
    // The committed offset is the next one to read. Committed through the batch payload, not
    // `consumer.commitOffsets`: once `disconnect()` began (SIGTERM), the latter returns without
    // committing, and the batch just appended would be redelivered to the next member.
    await commitOffsetsIfNecessary({
      topics: [
        {
          topic: batch.topic,
          partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
        },
      ],
    });
    this.lag.set(`${batch.topic}:${batch.partition}`, Number(batch.highWatermark) - Number(last) - 1);
  }

  /** Lets the batch in flight finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    if (!this.consumer || this.state === 'stopped') return;
    await this.consumer.disconnect();
    this.state = 'stopped';
  }
}
