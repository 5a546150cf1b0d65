import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { RawRecord } from '@app/contracts';
import { backoffMs, faultKind, type BackoffOptions } from '@app/config/faults';
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
  /** Told when the consumer restarts itself after a transient crash kafkajs would not restart from. */
  onRestart?: (error: Error, inMs: number) => void;
  /** Most records a handler call gets (DEFAULT_SLICE_RECORDS); a fetched batch is handed over in slices. */
  sliceRecords?: number;
  /** How long the group waits for a silent member before it hands its partitions on (default 30 s). */
  sessionTimeoutMs?: number;
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

/** Waits before restarting a consumer kafkajs left crashed on a transient fault. */
const RESTART_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

export type BatchConsumerStatus = 'idle' | 'starting' | 'running' | 'restarting' | 'stopped' | 'crashed';

/**
 * A kafkajs `eachBatch` consumer with manual commits. Nest's built-in Kafka transport
 * handles one message at a time and redelivers a poison message forever; here a whole
 * batch is handled, slice by slice (parse, append in one transaction, dead-letter), then
 * `offset + 1` of its last record is committed, so a crash redelivers at most the batch in
 * flight (its slices already appended are absorbed by eventId idempotency).
 */
export class BatchConsumer {
  private consumer: Consumer | undefined;
  private state: BatchConsumerStatus = 'idle';
  private readonly lag = new Map<string, number>();
  /** Restarts since the last batch handled: the backoff's attempt. */
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: BatchConsumerOptions,
  ) {}

  get status(): BatchConsumerStatus {
    return this.state;
  }

  /** Records the broker had beyond the last batch handled, summed over partitions. */
  get lagTotal(): number {
    let sum = 0;
    for (const v of this.lag.values()) sum += v;
    return sum;
  }

  async start(): Promise<void> {
    this.state = 'starting';
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.crashed(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.opts.topics, fromBeginning: this.opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    // Stopped while a restart was starting: this consumer is not wanted any more. Crashed while
    // joining (kafkajs' run resolves after its crash handling): restarting or crashed says so.
    // (`status`, not `state`: the compiler would keep `state` narrowed to 'starting' across the awaits.)
    if (this.status === 'stopped') await consumer.disconnect();
    else if (this.status === 'starting') this.state = 'running';
  }

  /**
   * kafkajs gave up on this consumer. A transient fault (faultKind) gets a new consumer after a
   * backoff, as kafkajs does for the faults it calls retriable; anything else stays crashed.
   */
  private crashed(error: Error): void {
    if (this.state === 'stopped') return;
    if (faultKind(error) !== 'transient') {
      this.state = 'crashed';
      this.opts.onCrash?.(error);
      return;
    }
    this.state = 'restarting';
    const inMs = backoffMs(++this.restarts, RESTART_BACKOFF);
    this.opts.onRestart?.(error, inMs);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state !== 'restarting') return;
      this.start().catch((err: Error) => this.crashed(err));
    }, inMs);
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
    this.restarts = 0;
  }

  /** Lets the batch in flight finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (!this.consumer || this.state === 'stopped') return;
    // First, so that a crash while leaving, or a restart under way, does not start it again.
    this.state = 'stopped';
    await this.consumer.disconnect();
  }
}
