/**
 * The reference store's SQLite schema.
 *
 * `data_items` stands in for a service's real data: one row per data item, tagged with
 * what deletion commands select on. `executed_commands` is the dedupe store: the receipt
 * of each completed command, written in the same transaction as its delete, plus the
 * command's scope so that a `data-created` record arriving after the deletion that
 * covers it is not resurrected. The scope holds a hash of the subjectId, not the id:
 * the log of who was deleted must not itself keep the deleted person's identifier.
 */
export const STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS data_items (
  tenant_id   TEXT NOT NULL,
  data_id     TEXT NOT NULL,
  store       TEXT NOT NULL,
  subject_id  TEXT,
  category    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  payload     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, data_id)
);
CREATE INDEX IF NOT EXISTS data_items_subject ON data_items (tenant_id, subject_id);

CREATE TABLE IF NOT EXISTS executed_commands (
  command_id    TEXT PRIMARY KEY,
  receipt       TEXT NOT NULL,
  tenant_id     TEXT,
  store         TEXT,
  kind          TEXT,
  data_id       TEXT,
  subject_hash  TEXT,
  categories    TEXT,
  issued_at     TEXT
);
CREATE INDEX IF NOT EXISTS executed_commands_scope ON executed_commands (tenant_id, store, issued_at);
`;
