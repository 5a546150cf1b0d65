import type { EntryDataByType, EntryFacts, EntryType } from '@app/contracts/entry-types';
import type { ChainRecord, NewChainRecord } from './chain-record';
import { subjectPartOf } from './subject';

/**
 * The column layout shared by the SQL adapters (SQLite and PostgreSQL), read in
 * array row mode: arrays skip building an object per row, which counts at 300k rows/s.
 */
export const RECORD_COLUMNS =
  'tenant_id, stream_position, event_id, type, occurred_at, recorded_at, data_json, ' +
  'subject_json, subject_digest, source_json, prev_hash, hash, global_position';

/** RECORD_COLUMNS of the table aliased `alias`, for reads joined with the stream heads. */
export function recordColumnsOf(alias: string): string {
  return RECORD_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

/** PostgreSQL returns BIGINT as a string; SQLite as a number. */
type Int = number | string;

export type RecordRow = [
  tenantId: string,
  streamPosition: Int,
  eventId: string,
  type: string,
  occurredAt: string,
  recordedAt: string,
  dataJson: string,
  subjectJson: string | null,
  subjectDigest: string | null,
  sourceJson: string | null,
  prevHash: string,
  hash: string,
  globalPosition: Int,
];

export function rowToRecord(row: RecordRow): ChainRecord {
  return {
    tenantId: row[0],
    streamPosition: Number(row[1]),
    eventId: row[2],
    type: row[3],
    occurredAt: row[4],
    recordedAt: row[5],
    dataJson: row[6],
    subjectJson: row[7],
    subjectDigest: row[8],
    sourceJson: row[9],
    prevHash: row[10],
    hash: row[11],
  };
}

/** The decimal cursor of a row. */
export function rowCursor(row: RecordRow): string {
  return String(row[12]);
}

/** What a fold reads of a row (see `EntryFacts`): no hashes, provenance or recording time to decode. */
export const FACT_COLUMNS = 'tenant_id, event_id, type, occurred_at, data_json, subject_json';

export type FactRow = [
  tenantId: string,
  eventId: string,
  type: string,
  occurredAt: string,
  dataJson: string,
  subjectJson: string | null,
];

/** The facts of a row: what `toLedgerEntry` gives for the same row, without the envelope and source. */
export function rowToFacts(row: FactRow): EntryFacts {
  return factsOf(row[0], row[1], row[2], row[3], row[4], row[5]);
}

/** The facts of a row's fact columns (`FACT_COLUMNS`), however they came (a row, or columns from a worker). */
export function factsOf(
  tenantId: string,
  eventId: string,
  type: string,
  occurredAt: string,
  dataJson: string,
  subjectJson: string | null,
): EntryFacts {
  return {
    eventId,
    tenantId,
    type: type as EntryType,
    occurredAt,
    data: JSON.parse(dataJson) as EntryDataByType[EntryType],
    subject: subjectJson === null ? null : subjectPartOf(subjectJson),
  };
}

/** Columns written on insert, in the order of `insertValues`. */
export const INSERT_COLUMNS =
  'global_position, tenant_id, stream_position, event_id, type, occurred_at, recorded_at, data_json, ' +
  'subject_json, subject_digest, source_json, payload_hash, prev_hash, hash';

export function insertValues(globalPosition: number, r: NewChainRecord): Array<string | number | null> {
  return [
    globalPosition,
    r.tenantId,
    r.streamPosition,
    r.eventId,
    r.type,
    r.occurredAt,
    r.recordedAt,
    r.dataJson,
    r.subjectJson,
    r.subjectDigest,
    r.sourceJson,
    r.payloadHash,
    r.prevHash,
    r.hash,
  ];
}

/** Parses a decimal cursor; undefined means "from the start". */
export function parseSequenceCursor(after: string | undefined): number {
  if (after === undefined) return 0;
  if (!/^\d{1,15}$/.test(after))
    throw new Error(`invalid ledger cursor ${JSON.stringify(after)}: expected a decimal position`);
  return Number(after);
}
