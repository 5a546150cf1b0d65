import { APPEND_ONLY_MESSAGE } from '../append-only';

/** Quoted, validated names of the ledger's tables in one schema. */
export interface PgTables {
  schema: string;
  entries: string;
  streams: string;
}

export function pgTables(schema: string): PgTables {
  // Identifiers cannot be bound as parameters, so only plain names are accepted.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use letters, digits and _`);
  }
  const q = `"${schema}"`;
  return { schema: q, entries: `${q}.ledger_entries`, streams: `${q}.ledger_streams` };
}

function ensureTrigger(
  t: PgTables,
  name: string,
  table: string,
  when: string,
  level: 'ROW' | 'STATEMENT',
  fn: string,
): string {
  // Create when missing and re-enable when disabled: opening the ledger restores its guard.
  return `
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '${name}' AND tgrelid = '${table}'::regclass) THEN
    CREATE TRIGGER ${name} ${when} ON ${table} FOR EACH ${level} EXECUTE FUNCTION ${t.schema}.${fn}();
  ELSIF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '${name}' AND tgrelid = '${table}'::regclass AND tgenabled = 'D') THEN
    ALTER TABLE ${table} ENABLE TRIGGER ${name};
  END IF;`;
}

/** Idempotent DDL, run on every open under an advisory lock (concurrent opens would race on CREATE … IF NOT EXISTS). */
export function postgresSchemaSql(t: PgTables): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${t.schema};
CREATE TABLE IF NOT EXISTS ${t.entries} (
  -- The global order and readAll cursor, from a sequence; readers stop at the high-water mark (postgres-high-water).
  global_position  BIGINT PRIMARY KEY,
  -- "C" collation: byte order, the same everywhere, and what the (tenant, position) index and keyset reads use.
  tenant_id        TEXT COLLATE "C" NOT NULL,
  stream_position  BIGINT NOT NULL,
  event_id         TEXT NOT NULL UNIQUE,
  type             TEXT NOT NULL,
  occurred_at      TEXT NOT NULL,
  recorded_at      TEXT NOT NULL,
  -- TEXT, not JSONB: JSONB reorders keys and normalises numbers, the hash needs the exact canonical text.
  data_json        TEXT NOT NULL,
  -- The subject part (personal data), canonical {"salt","subjectId"}: outside the hash, only
  -- subject_digest = sha256(subject_json) is chained, so it can be encrypted and shredded later.
  subject_json     TEXT,
  subject_digest   TEXT,
  -- Canonical {"offset","partition","topic"}, hashed as stored.
  source_json      TEXT,
  payload_hash     TEXT NOT NULL,
  prev_hash        TEXT NOT NULL,
  hash             TEXT NOT NULL,
  UNIQUE (tenant_id, stream_position)
);
CREATE TABLE IF NOT EXISTS ${t.streams} (
  tenant_id TEXT COLLATE "C" PRIMARY KEY,
  position  BIGINT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION ${t.schema}.ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '${APPEND_ONLY_MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME;
END
$fn$;
CREATE OR REPLACE FUNCTION ${t.schema}.ledger_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.position <= OLD.position OR NEW.tenant_id <> OLD.tenant_id THEN
    RAISE EXCEPTION '${APPEND_ONLY_MESSAGE}: a stream head only moves forward';
  END IF;
  RETURN NEW;
END
$fn$;
DO $do$
BEGIN
  ${ensureTrigger(t, 'ledger_entries_no_update', t.entries, 'BEFORE UPDATE', 'ROW', 'ledger_refuse_change')}
  ${ensureTrigger(t, 'ledger_entries_no_delete', t.entries, 'BEFORE DELETE', 'ROW', 'ledger_refuse_change')}
  ${ensureTrigger(t, 'ledger_entries_no_truncate', t.entries, 'BEFORE TRUNCATE', 'STATEMENT', 'ledger_refuse_change')}
  ${ensureTrigger(t, 'ledger_streams_forward_only', t.streams, 'BEFORE UPDATE', 'ROW', 'ledger_head_forward_only')}
  ${ensureTrigger(t, 'ledger_streams_no_delete', t.streams, 'BEFORE DELETE', 'ROW', 'ledger_refuse_change')}
  ${ensureTrigger(t, 'ledger_streams_no_truncate', t.streams, 'BEFORE TRUNCATE', 'STATEMENT', 'ledger_refuse_change')}
END
$do$;
`;
}
