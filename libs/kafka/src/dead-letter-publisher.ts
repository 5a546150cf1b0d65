import type { RawRecord } from '@app/contracts';
import { connectErrorHeaders, deadLetterValue } from '@app/contracts';
import { IdempotentProducer } from './producer';

export interface Rejection {
  record: RawRecord;
  reason: string;
}

/**
 * Sends rejected records to the dead-letter topic with their original bytes, key,
 * headers and provenance (DESIGN.md semantics 8). The record key is kept, so a
 * tenant's rejections stay in order on one partition.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: IdempotentProducer,
    private readonly topic: string,
  ) {}

  async publish(rejections: Rejection[], rejectedAt: Date): Promise<void> {
    await this.producer.send(
      this.topic,
      rejections.map(({ record, reason }) => ({
        key: record.key,
        value: JSON.stringify(deadLetterValue(record, reason, rejectedAt)),
        headers: {
          'rl-reason': reason.slice(0, 200),
          'rl-source-topic': record.topic,
          ...connectErrorHeaders(record, reason, 'retention-ledger-ingest'),
        },
      })),
    );
  }
}
