import type { RawRecord } from './raw-record';

/** Kafka Connect's dead-letter header prefix (errors.deadletterqueue.context.headers.enable). */
export const CONNECT_ERRORS_PREFIX = '__connect.errors.';

/**
 * The headers Kafka Connect puts on a dead-lettered record, so tools written for Connect's
 * dead-letter queues (and people who know them) read ours: where the record came from and
 * why it was refused. Values are strings, as Connect's SimpleHeaderConverter writes them.
 * Connect's `stage` for a record it cannot convert is VALUE_CONVERTER; there is no stack
 * trace, since a rejection is a verdict on the record, not a crash.
 */
export function connectErrorHeaders(
  record: RawRecord,
  reason: string,
  connector: string,
): Record<string, string> {
  const p = CONNECT_ERRORS_PREFIX;
  return {
    [`${p}topic`]: record.topic,
    [`${p}partition`]: String(record.partition),
    [`${p}offset`]: record.offset,
    [`${p}connector.name`]: connector,
    [`${p}task.id`]: '0',
    [`${p}stage`]: 'VALUE_CONVERTER',
    [`${p}class.name`]: 'io.retention-ledger.contracts.parseRecord',
    [`${p}exception.class.name`]: 'io.retention-ledger.RecordRejected',
    [`${p}exception.message`]: reason,
  };
}
