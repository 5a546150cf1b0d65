import { createHash } from 'node:crypto';
import type { RawRecord } from '@app/contracts';
import { connectErrorHeaders, DEAD_LETTER_MAX_BYTES, deadLetterValue } from '@app/contracts';
import type { Message } from 'kafkajs';
import { IdempotentProducer } from './producer';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface Rejection {
  record: RawRecord;
  reason: string;
}

/**
 * Bytes of dead letters per send. kafkajs puts one send's records for a partition into
 * one record batch, and the broker refuses a batch over `message.max.bytes` (1 MiB by
 * default) as a whole: each dead letter fits alone (DEAD_LETTER_MAX_BYTES), and sends
 * stay under this bound.
 */
export const DEAD_LETTER_SEND_BYTES = DEAD_LETTER_MAX_BYTES;

/**
 * A publish that failed after its first `sent` rejections were durable on the topic: a
 * retry sends only the rest, so a fault between two sends never dead-letters a record twice.
 */
export class DeadLetterSendError extends Error {
  override name = 'DeadLetterSendError';
  constructor(
    readonly sent: number,
    cause: unknown,
  ) {
    super(`dead-letter publish failed after ${sent} letters`, { cause });
  }
}

/**
 * Sends rejected records to the dead-letter topic with their original bytes (truncated
 * beyond DEAD_LETTER_MAX_BYTES, with size and SHA-256), key, headers and provenance
 * (DESIGN.md semantics 8). The record key is kept (up to a bound), so a tenant's
 * rejections stay in order on one partition.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: IdempotentProducer,
    private readonly topic: string,
  ) {}

  /** `between` runs after each bounded send (a consumer heartbeat, so a long batch keeps its group membership). */
  async publish(rejections: Rejection[], rejectedAt: Date, between?: () => Promise<void>): Promise<void> {
    let chunk: Message[] = [];
    let bytes = 0;
    let sent = 0;
    const send = async (then?: () => Promise<void>) => {
      try {
        await this.producer.send(this.topic, chunk);
        sent += chunk.length;
        await then?.();
      } catch (err) {
        throw new DeadLetterSendError(sent, err);
      }
    };
    for (const { record, reason } of rejections) {
      const letter = deadLetterValue(record, reason, rejectedAt, sha256);
      const value = JSON.stringify(letter);
      const size = Buffer.byteLength(value) + 512;
      if (chunk.length > 0 && bytes + size > DEAD_LETTER_SEND_BYTES) {
        await send(between);
        chunk = [];
        bytes = 0;
      }
      chunk.push({
        key: letter.key === null ? null : Buffer.from(letter.key, letter.keyEncoding),
        value,
        headers: {
          'rl-reason': letter.reason.slice(0, 200),
          'rl-source-topic': record.topic,
          ...connectErrorHeaders(record, reason, 'retention-ledger-ingest'),
        },
      });
      bytes += size;
    }
    await send();
  }
}
