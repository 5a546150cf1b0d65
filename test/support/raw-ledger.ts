import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { entryHash, type HashedFields } from '@app/ledger';
import { INSERT_COLUMNS, insertValues } from '@app/ledger/sql-record-row';

/** One stored row as an attacker with SQL access sees it. */
export interface RawRow extends HashedFields {
  subjectJson: string | null;
  hash: string;
}

/**
 * What a DBA (or an attacker with credentials) can do to a SQL ledger around the port:
 * insert rows, drop the append-only triggers, delete and rewrite rows, move heads.
 */
export interface RawLedger {
  /** LEDGER_URL of this ledger. */
  url: string;
  rows(tenantId: string): Promise<RawRow[]>;
  /** A plain INSERT of a row into a stream (the stream's head row is left alone). */
  insert(row: RawRow): Promise<void>;
  /** Removes a stream's head row, triggers off. */
  dropHead(tenantId: string): Promise<void>;
  /** Deletes a stream's entries from `fromPosition` on and rewinds its head to the entry before. */
  truncate(tenantId: string, fromPosition: number): Promise<void>;
  /** Replaces a stream's rows (same positions) and sets its head to the last one, triggers off. */
  rewrite(tenantId: string, rows: RawRow[]): Promise<void>;
  close(): Promise<void>;
}

/** `rows` with `change` applied to each and every hash recomputed: a consistent rewrite. */
export function rechain(rows: RawRow[], change: (row: RawRow) => RawRow): RawRow[] {
  let prevHash = '0'.repeat(64);
  return rows.map((row) => {
    const changed = { ...change(row), prevHash };
    const hash = entryHash(changed);
    prevHash = hash;
    return { ...changed, hash };
  });
}

const SELECT = `tenant_id AS tenantId, stream_position AS streamPosition, event_id AS eventId, type,
  occurred_at AS occurredAt, recorded_at AS recordedAt, data_json AS dataJson, subject_json AS subjectJson,
  subject_digest AS subjectDigest, source_json AS sourceJson, prev_hash AS prevHash, hash`;

/** INSERT_COLUMNS values of a forged row (global position left to the insert). */
function values(r: RawRow): Array<string | number | null> {
  return insertValues(0, { ...r, payloadHash: 'forged' }).slice(1);
}
const COLUMNS = INSERT_COLUMNS.replace('global_position, ', '');

export function rawSqlite(file: string): RawLedger {
  const db = new Database(file);
  const dropTriggers = () => {
    for (const t of [
      'ledger_entries_no_update',
      'ledger_entries_no_delete',
      'ledger_streams_forward_only',
      'ledger_streams_no_delete',
    ])
      db.exec(`DROP TRIGGER IF EXISTS ${t}`);
  };
  const streamId = (tenantId: string): number =>
    (db.prepare('SELECT stream_id FROM ledger_streams WHERE tenant_id = ?').pluck().get(tenantId) as
      number | undefined) ??
    (db.prepare('SELECT coalesce(max(stream_id), 0) + 1000 FROM ledger_entries').pluck().get() as number);
  return {
    url: `sqlite:${file}`,
    async rows(tenantId) {
      return db
        .prepare(`SELECT ${SELECT} FROM ledger_entries WHERE tenant_id = ? ORDER BY stream_position`)
        .all(tenantId) as RawRow[];
    },
    async insert(row) {
      const max = db.prepare('SELECT max(global_position) FROM ledger_entries').pluck().get() as number;
      db.prepare(
        `INSERT INTO ledger_entries (global_position, stream_id, ${COLUMNS}) VALUES (?, ?, ${values(row)
          .map(() => '?')
          .join(', ')})`,
      ).run(max + 1, streamId(row.tenantId), ...values(row));
    },
    async dropHead(tenantId) {
      dropTriggers();
      db.prepare('DELETE FROM ledger_streams WHERE tenant_id = ?').run(tenantId);
    },
    async truncate(tenantId, fromPosition) {
      dropTriggers();
      db.prepare('DELETE FROM ledger_entries WHERE tenant_id = ? AND stream_position >= ?').run(
        tenantId,
        fromPosition,
      );
      const last = db
        .prepare('SELECT hash FROM ledger_entries WHERE tenant_id = ? AND stream_position = ?')
        .pluck()
        .get(tenantId, fromPosition - 1) as string;
      db.prepare('UPDATE ledger_streams SET position = ?, hash = ? WHERE tenant_id = ?').run(
        fromPosition - 1,
        last,
        tenantId,
      );
    },
    async rewrite(tenantId, rows) {
      dropTriggers();
      const update = db.prepare(
        `UPDATE ledger_entries SET occurred_at = ?, data_json = ?, prev_hash = ?, hash = ?
         WHERE tenant_id = ? AND stream_position = ?`,
      );
      for (const r of rows)
        update.run(r.occurredAt, r.dataJson, r.prevHash, r.hash, tenantId, r.streamPosition);
      const last = rows[rows.length - 1];
      db.prepare('UPDATE ledger_streams SET hash = ? WHERE tenant_id = ?').run(last.hash, tenantId);
    },
    async close() {
      db.close();
    },
  };
}

export const PG_URL = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A PostgreSQL ledger in a schema of its own (the server is shared), and raw access to it. */
export async function rawPostgres(): Promise<RawLedger> {
  const schema = `proof_test_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: PG_URL, application_name: `raw-${schema}` });
  await client.connect();
  const e = `"${schema}".ledger_entries`;
  const s = `"${schema}".ledger_streams`;
  const triggersOff = async () => {
    await client.query(`ALTER TABLE ${e} DISABLE TRIGGER USER`);
    await client.query(`ALTER TABLE ${s} DISABLE TRIGGER USER`);
  };
  return {
    url: `${PG_URL}?schema=${schema}`,
    async rows(tenantId) {
      const { rows } = await client.query(
        `SELECT ${SELECT.replace(/ AS (\w+)/g, ' AS "$1"')} FROM ${e} WHERE tenant_id = $1 ORDER BY stream_position`,
        [tenantId],
      );
      return rows.map((r: RawRow) => ({ ...r, streamPosition: Number(r.streamPosition) }));
    },
    async insert(row) {
      await client.query(
        `INSERT INTO ${e} (global_position, ${COLUMNS})
         VALUES ((SELECT max(global_position) + 1 FROM ${e}), ${values(row)
           .map((_, i) => `$${i + 1}`)
           .join(', ')})`,
        values(row),
      );
    },
    async dropHead(tenantId) {
      await triggersOff();
      await client.query(`DELETE FROM ${s} WHERE tenant_id = $1`, [tenantId]);
    },
    async truncate(tenantId, fromPosition) {
      await triggersOff();
      await client.query(`DELETE FROM ${e} WHERE tenant_id = $1 AND stream_position >= $2`, [
        tenantId,
        fromPosition,
      ]);
      await client.query(
        `UPDATE ${s} SET position = $2, hash = (SELECT hash FROM ${e} WHERE tenant_id = $1 AND stream_position = $2)
         WHERE tenant_id = $1`,
        [tenantId, fromPosition - 1],
      );
    },
    async rewrite(tenantId, rows) {
      await triggersOff();
      for (const r of rows) {
        await client.query(
          `UPDATE ${e} SET occurred_at = $1, data_json = $2, prev_hash = $3, hash = $4
           WHERE tenant_id = $5 AND stream_position = $6`,
          [r.occurredAt, r.dataJson, r.prevHash, r.hash, tenantId, r.streamPosition],
        );
      }
      await client.query(`UPDATE ${s} SET hash = $1 WHERE tenant_id = $2`, [
        rows[rows.length - 1].hash,
        tenantId,
      ]);
    },
    async close() {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** A SQLite ledger file in `dir`. */
export function sqliteLedgerFile(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, 'ledger.db');
}
