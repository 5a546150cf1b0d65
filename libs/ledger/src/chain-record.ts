import type {
  EntryDataByType,
  EntrySource,
  EntryType,
  LedgerEntry,
  NewEntry,
} from '@app/contracts/entry-types';
import type { HashedFields } from './canonical';
import { publicSubject, subjectPartOf } from './subject';

/**
 * One stored entry as the adapters keep it: the hashed fields, the subject part
 * (outside the hash, see `StoredSubject`) and the resulting hash. This is what
 * verification reads; `LedgerEntry` is what everyone else reads.
 */
export interface ChainRecord extends HashedFields {
  /** Canonical `{salt, subjectId}` or `{ciphertext, pseudonym}`; null without a subject. */
  subjectJson: string | null;
  hash: string;
}

/** A record ready to be written, with the eventId payload identity kept in its own column. */
export interface NewChainRecord extends ChainRecord {
  payloadHash: string;
}

/** The public view of a stored record: the salt and digest stay inside the ledger. */
export function toLedgerEntry(record: ChainRecord, globalPosition: string): LedgerEntry {
  return {
    eventId: record.eventId,
    tenantId: record.tenantId,
    // The type is hashed, so a tampered value shows up in verify; readers get what is stored.
    type: record.type as EntryType,
    occurredAt: record.occurredAt,
    data: JSON.parse(record.dataJson) as EntryDataByType[EntryType],
    subject: record.subjectJson === null ? null : subjectPartOf(record.subjectJson),
    source: record.sourceJson === null ? null : (JSON.parse(record.sourceJson) as EntrySource),
    streamPosition: record.streamPosition,
    globalPosition,
    recordedAt: record.recordedAt,
    subjectDigest: record.subjectDigest,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

/**
 * The public view of an entry just appended, built from the caller's input
 * instead of re-parsing what was stored (append hot path). `data` is the
 * caller's object: equal to what a read returns, as the stored text is its
 * canonical encoding.
 */
export function appendedEntry(entry: NewEntry, record: ChainRecord, globalPosition: string): LedgerEntry {
  const source = entry.source;
  return {
    eventId: entry.eventId,
    tenantId: entry.tenantId,
    type: entry.type,
    occurredAt: entry.occurredAt,
    data: entry.data,
    subject: entry.subject === null ? null : publicSubject(entry.subject),
    source:
      source === null ? null : { topic: source.topic, partition: source.partition, offset: source.offset },
    streamPosition: record.streamPosition,
    globalPosition,
    recordedAt: record.recordedAt,
    subjectDigest: record.subjectDigest,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}
