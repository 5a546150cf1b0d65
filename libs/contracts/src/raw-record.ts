/**
 * A Kafka record as ingest sees it, before any interpretation: the exact bytes, so a
 * rejected record can be dead-lettered without loss (DESIGN.md semantics 8).
 * Header values follow kafkajs: Buffers when consumed, strings possible when produced,
 * arrays when a header name repeats, null for a header sent without a value (legal in Kafka;
 * Java clients send it for `new RecordHeader(k, null)`).
 */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, HeaderValue | HeaderValue[] | undefined>;
}

export type HeaderValue = Buffer | string | null;
