import { quoteJson } from '@app/contracts/canonical-json';
import type { EntrySource } from '@app/contracts/entry-types';

/**
 * The ledger's hashed forms in RFC 8785 (JCS) order, built by concatenation. The
 * general encoder (`canonicalJson`) is `@app/contracts/canonical-json`.
 */

/** Version of the hashed form below; bump it (and keep the old encoder) if the form ever changes. */
export const ENTRY_FORMAT_VERSION = 1 as const;

/** Everything the hash covers. The plaintext subject is deliberately absent: only its salted digest. */
export interface HashedFields {
  tenantId: string;
  streamPosition: number;
  eventId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  /** `canonicalJson(data)`: stored as such, so hashing never re-encodes the payload. */
  dataJson: string;
  subjectDigest: string | null;
  /** `canonicalSource(source)` or null: stored as such, like `dataJson`. */
  sourceJson: string | null;
  prevHash: string;
}

/** RFC 8785 form of an entry's source (keys offset, partition, topic), built without sorting. */
export function canonicalSource(source: EntrySource): string {
  return (
    '{"offset":' +
    quoteJson(source.offset) +
    ',"partition":' +
    String(source.partition) +
    ',"topic":' +
    quoteJson(source.topic) +
    '}'
  );
}

/** RFC 8785 form of a stored subject part `{salt, subjectId}`: what the subject digest hashes. */
export function canonicalSubject(salt: string, subjectId: string): string {
  return '{"salt":' + quoteJson(salt) + ',"subjectId":' + quoteJson(subjectId) + '}';
}

/** RFC 8785 form of a sealed subject part `{ciphertext, pseudonym}`: what its digest hashes. */
export function canonicalSealedSubject(pseudonym: string, ciphertext: string): string {
  return '{"ciphertext":' + quoteJson(ciphertext) + ',"pseudonym":' + quoteJson(pseudonym) + '}';
}

/**
 * The canonical encoding of an entry's hashed form, built by concatenation in
 * RFC 8785 key order (data, eventId, occurredAt, prevHash, recordedAt, source,
 * streamPosition, subjectDigest, tenantId, type, v) instead of sorting keys per
 * entry. Equal to `canonicalJson(hashedEnvelope(f))` (proved in the spec) as
 * long as `dataJson` and `sourceJson` are canonical and strings are well-formed — the append path
 * checks both; values read back from a UTF-8 store are well-formed by construction.
 */
export function canonicalEntry(f: HashedFields): string {
  return (
    '{"data":' +
    f.dataJson +
    ',"eventId":' +
    quoteJson(f.eventId) +
    ',"occurredAt":' +
    quoteJson(f.occurredAt) +
    ',"prevHash":' +
    quoteJson(f.prevHash) +
    ',"recordedAt":' +
    quoteJson(f.recordedAt) +
    ',"source":' +
    (f.sourceJson === null ? 'null' : f.sourceJson) +
    ',"streamPosition":' +
    String(f.streamPosition) +
    ',"subjectDigest":' +
    (f.subjectDigest === null ? 'null' : quoteJson(f.subjectDigest)) +
    ',"tenantId":' +
    quoteJson(f.tenantId) +
    ',"type":' +
    quoteJson(f.type) +
    ',"v":1}'
  );
}

/** The hashed form of an entry as a JSON object (what an evidence bundle's entry line parses to). */
export interface HashedEnvelope {
  v: typeof ENTRY_FORMAT_VERSION;
  tenantId: string;
  streamPosition: number;
  eventId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  data: unknown;
  subjectDigest: string | null;
  source: unknown;
  prevHash: string;
}

/** The hashed form as a plain object: what an external verifier canonicalizes (RFC 8785) and hashes. */
export function hashedEnvelope(f: HashedFields): HashedEnvelope {
  return {
    v: ENTRY_FORMAT_VERSION,
    tenantId: f.tenantId,
    streamPosition: f.streamPosition,
    eventId: f.eventId,
    type: f.type,
    occurredAt: f.occurredAt,
    recordedAt: f.recordedAt,
    data: JSON.parse(f.dataJson) as unknown,
    subjectDigest: f.subjectDigest,
    source: f.sourceJson === null ? null : (JSON.parse(f.sourceJson) as unknown),
    prevHash: f.prevHash,
  };
}
