import { Pool, type PoolClient } from 'pg';
import type { PseudonymGrant, ShredOutcome, SubjectLookup, SubjectRef } from './subject-key-store';
import { checkId, checkRefs, KeyedSubjectStore, type KeyState } from './keyed-subject-store';
import { newPseudonym } from './pseudonym';
import { newDataKey } from './subject-cipher';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
export const SUBJECT_KEYS_APPLICATION_NAME = 'retention-subject-keys';

interface KeyRow {
  subject_id: string;
  data_key: Buffer;
  created_at: Date;
}

/**
 * Subject keys in a PostgreSQL schema of their own (`?schema=name`, default `subject_keys`).
 *
 * What PostgreSQL can and cannot promise after a shred (docs/subject-data.md, "PostgreSQL"):
 * a DELETE leaves the row as a dead tuple in the heap and the indexes until VACUUM; the
 * WAL segments keep the inserted row (and full-page images) until they are recycled after
 * checkpoints, and archives, replicas' WAL and base backups keep them as long as they are
 * kept. The strongest thing a client can do is done here: after each shred batch,
 * `VACUUM FULL` of the key table rewrites it and its indexes into new files, and the old
 * files are truncated at commit, so the live database files hold no copy. The WAL and
 * backups are bounded by their retention, which the operator must keep within the
 * deletion deadline.
 */
export class PostgresSubjectKeyStore extends KeyedSubjectStore {
  private constructor(
    private readonly pool: Pool,
    private readonly keys: string,
    private readonly tombstones: string,
  ) {
    super();
  }

  static async connect(url: string): Promise<PostgresSubjectKeyStore> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'subject_keys';
    if (!IDENT.test(schema)) throw new Error(`SUBJECT_KEYS_URL: schema must match ${IDENT}, got "${schema}"`);
    parsed.searchParams.delete('schema');
    const pool = new Pool({
      connectionString: parsed.toString(),
      max: 2,
      application_name: SUBJECT_KEYS_APPLICATION_NAME,
    });
    try {
      // Advisory lock: concurrent first opens would race on CREATE … IF NOT EXISTS.
      await pool.query(`SELECT pg_advisory_lock(hashtext('subject-keys:${schema}'));
        CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.subject_keys (
          tenant_id  TEXT NOT NULL,
          subject_id TEXT NOT NULL,
          pseudonym  TEXT NOT NULL UNIQUE,
          data_key   BYTEA NOT NULL CHECK (octet_length(data_key) = 32),
          created_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (tenant_id, subject_id)
        );
        CREATE TABLE IF NOT EXISTS ${schema}.subject_tombstones (
          tenant_id   TEXT NOT NULL,
          pseudonym   TEXT NOT NULL,
          shredded_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (tenant_id, pseudonym)
        );
        SELECT pg_advisory_unlock(hashtext('subject-keys:${schema}'));`);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresSubjectKeyStore(pool, `${schema}.subject_keys`, `${schema}.subject_tombstones`);
  }

  async pseudonymsFor(subjects: readonly SubjectRef[], now: Date): Promise<PseudonymGrant[]> {
    checkRefs(subjects);
    // Rows are locked in one global order (and once each), so two overlapping batches cannot deadlock.
    const ordered = [
      ...new Map(subjects.map((s) => [JSON.stringify([s.tenantId, s.subjectId]), s])).entries(),
    ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const granted = await this.inTransaction(async (client) => {
      const grants = new Map<string, PseudonymGrant>();
      for (const [ref, { tenantId, subjectId }] of ordered) {
        // ON CONFLICT DO NOTHING: a concurrent transaction that created it first wins (we wait on its row).
        const inserted = await client.query(
          `INSERT INTO ${this.keys} (tenant_id, subject_id, pseudonym, data_key, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, subject_id) DO NOTHING`,
          [tenantId, subjectId, newPseudonym(), newDataKey(), now],
        );
        const r = await client.query<{ pseudonym: string }>(
          `SELECT pseudonym FROM ${this.keys} WHERE tenant_id = $1 AND subject_id = $2`,
          [tenantId, subjectId],
        );
        if (!r.rows[0]) throw new Error('subject key row vanished right after insert');
        grants.set(ref, { pseudonym: r.rows[0].pseudonym, created: inserted.rowCount === 1 });
      }
      return grants;
    });
    // A subject named twice in one batch is created once: the repeat reports created: false.
    const seen = new Set<string>();
    return subjects.map((s) => {
      const ref = JSON.stringify([s.tenantId, s.subjectId]);
      const grant = granted.get(ref) as PseudonymGrant;
      const repeat = seen.has(ref);
      seen.add(ref);
      return repeat ? { ...grant, created: false } : grant;
    });
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async row(tenantId: string, pseudonym: string): Promise<KeyRow | undefined> {
    const r = await this.pool.query<KeyRow>(
      `SELECT subject_id, data_key, created_at FROM ${this.keys} WHERE tenant_id = $1 AND pseudonym = $2`,
      [tenantId, pseudonym],
    );
    return r.rows[0];
  }

  private async tombstone(tenantId: string, pseudonym: string): Promise<string | undefined> {
    const r = await this.pool.query<{ shredded_at: Date }>(
      `SELECT shredded_at FROM ${this.tombstones} WHERE tenant_id = $1 AND pseudonym = $2`,
      [tenantId, pseudonym],
    );
    return r.rows[0]?.shredded_at.toISOString();
  }

  async lookup(tenantId: string, pseudonym: string): Promise<SubjectLookup> {
    const row = await this.row(tenantId, pseudonym);
    if (row)
      return {
        state: 'active',
        pseudonym,
        subjectId: row.subject_id,
        createdAt: row.created_at.toISOString(),
      };
    const shreddedAt = await this.tombstone(tenantId, pseudonym);
    return shreddedAt ? { state: 'shredded', pseudonym, shreddedAt } : { state: 'unknown', pseudonym };
  }

  protected async keyState(tenantId: string, pseudonym: string): Promise<KeyState> {
    const row = await this.row(tenantId, pseudonym);
    if (row) return { state: 'active', key: row.data_key };
    const shreddedAt = await this.tombstone(tenantId, pseudonym);
    return shreddedAt ? { state: 'shredded', shreddedAt } : { state: 'unknown' };
  }

  async shred(tenantId: string, pseudonyms: readonly string[], now: Date): Promise<ShredOutcome[]> {
    checkId('tenantId', tenantId);
    const outcomes = await this.inTransaction(async (client) => {
      const done: ShredOutcome[] = [];
      for (const pseudonym of pseudonyms) {
        const removed = await client.query(
          `DELETE FROM ${this.keys} WHERE tenant_id = $1 AND pseudonym = $2`,
          [tenantId, pseudonym],
        );
        if (removed.rowCount === 1) {
          await client.query(
            `INSERT INTO ${this.tombstones} (tenant_id, pseudonym, shredded_at) VALUES ($1, $2, $3)`,
            [tenantId, pseudonym, now],
          );
          done.push({ pseudonym, status: 'shredded', shreddedAt: now.toISOString() });
          continue;
        }
        const dead = await client.query<{ shredded_at: Date }>(
          `SELECT shredded_at FROM ${this.tombstones} WHERE tenant_id = $1 AND pseudonym = $2`,
          [tenantId, pseudonym],
        );
        done.push(
          dead.rows[0]
            ? { pseudonym, status: 'already-shredded', shreddedAt: dead.rows[0].shredded_at.toISOString() }
            : { pseudonym, status: 'unknown' },
        );
      }
      return done;
    });
    // Outside the transaction (VACUUM cannot run in one). Runs on every call, even for
    // "already-shredded" ones, so a retry after a failed VACUUM finishes the clean-up.
    await this.pool.query(`VACUUM FULL ${this.keys}`);
    return outcomes;
  }

  /** The files that hold the key table and its indexes, relative to the data directory (for the byte scan). */
  async relationFiles(): Promise<string[]> {
    const r = await this.pool.query<{ path: string }>(
      `SELECT pg_relation_filepath(c.oid) AS path FROM pg_class c
        WHERE c.oid = $1::regclass OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = $1::regclass)
           OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = $1::regclass)`,
      [this.keys],
    );
    return r.rows.map((row) => row.path).filter((p) => p !== null);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
