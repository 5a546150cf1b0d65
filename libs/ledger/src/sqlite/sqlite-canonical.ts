/**
 * `prev_hash ‖ canonical(entry)` computed by SQLite from the stored columns,
 * for verification: the text is assembled in C, next to the data, instead of
 * crossing into JavaScript as ten separate strings (half of verify's cost).
 *
 * It mirrors `canonicalEntry` (key order data, eventId, occurredAt, prevHash,
 * recordedAt, source, streamPosition, subjectDigest, tenantId, type, v) and
 * relies on SQLite's `json_quote` escaping strings exactly as JSON.stringify
 * does (and giving `null` for NULL) — checked for every BMP character and on
 * random records in `sqlite-canonical.int-spec.ts`, so an upgrade of the
 * bundled SQLite that changed it fails there, not in an auditor's verify.
 * `concat` (SQLite ≥ 3.44) builds the text in one allocation.
 */
export const SQLITE_HASH_INPUT = `concat(prev_hash, '{"data":', data_json,
  ',"eventId":', json_quote(event_id),
  ',"occurredAt":', json_quote(occurred_at),
  ',"prevHash":', json_quote(prev_hash),
  ',"recordedAt":', json_quote(recorded_at),
  ',"source":', coalesce(source_json, 'null'),
  ',"streamPosition":', stream_position,
  ',"subjectDigest":', json_quote(subject_digest),
  ',"tenantId":', json_quote(tenant_id),
  ',"type":', json_quote(type),
  ',"v":1}')`;

/** Columns of a `LinkRow`. */
export const LINK_COLUMNS = `tenant_id, stream_position, prev_hash, hash, subject_json, subject_digest, ${SQLITE_HASH_INPUT}`;

export type LinkRow = [
  tenantId: string,
  streamPosition: number,
  prevHash: string,
  hash: string,
  subjectJson: string | null,
  subjectDigest: string | null,
  hashInput: string,
];
