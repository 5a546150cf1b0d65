import { KafkaMessage } from 'kafkajs';
import type { RawRecord } from '@app/contracts';

export function toRawRecord(topic: string, partition: number, m: KafkaMessage): RawRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ?? null,
    value: m.value ?? null,
    headers: (m.headers ?? {}) as RawRecord['headers'],
  };
}
