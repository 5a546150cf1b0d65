import { Pool, type PoolClient } from 'pg';
import { createInSchema, guardPgPool } from '@app/config/pg-pool';
import type { ShredOutcome, SubjectLookup, SubjectRef } from './subject-key-store';
import { checkId, checkRefs, type KeyedGrant, KeyedSubjectStore, type KeyState } from './keyed-subject-store';
import { newPseudonym } from './pseudonym';
import { newDataKey } from './subject-cipher';

const refKey = (s: SubjectRef) => JSON.stringify([s.tenantId, s.subjectId]);
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
    // Guarded: a lost connection (a PostgreSQL restart) must not kill the process (issue 8).
    const pool = guardPgPool(
      new Pool({
        connectionString: parsed.toString(),
        max: 2,
        application_name: SUBJECT_KEYS_APPLICATION_NAME,
      }),
    );
    try {
      // Under the schema's one lock, as every store of the system: concurrent first opens
      // would race on CREATE … IF NOT EXISTS, also with another store in the same schema.
      await createInSchema(
        pool,
        schema,
        `CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.subject_keys (
          tenant_id  TEXT NOT NULL,
          subject_id TEXT NOT NULL,
          pseudonym  TEXT NOT NULL UNIQUE,
          data_key   BYTEA NOT NULL CHECK (octet_length(data_key) = 32),
          created_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (tenant_id, subject_id)
        );
        -- ANALYZE would copy sample values (histogram bounds, common values) into pg_statistic,
        -- where no shred reaches them: no statistics for the id and the key.
        ALTER TABLE ${schema}.subject_keys ALTER COLUMN subject_id SET STATISTICS 0,
          ALTER COLUMN data_key SET STATISTICS 0;
        CREATE TABLE IF NOT EXISTS ${schema}.subject_tombstones (
          tenant_id   TEXT NOT NULL,
          pseudonym   TEXT NOT NULL,
          shredded_at TIMESTAMPTZ NOT NULL,
          PRIMARY KEY (tenant_id, pseudonym)
        );`,
      );
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresSubjectKeyStore(pool, `${schema}.subject_keys`, `${schema}.subject_tombstones`);
  }

  protected async grantKeys(subjects: readonly SubjectRef[], now: Date): Promise<KeyedGrant[]> {
    checkRefs(subjects);
    if (subjects.length === 0) return [];
    // Once each, in one global order, so two overlapping batches cannot deadlock on the key rows.
    const unique = [...new Map(subjects.map((s) => [refKey(s), s])).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, s]) => s);
    const proposed = unique.map(() => newPseudonym());
    const rows = await this.inTransaction(async (client) => {
      // ON CONFLICT DO NOTHING: a concurrent transaction that created a row first wins (we wait for it).
      await client.query(
        `INSERT INTO ${this.keys} (tenant_id, subject_id, pseudonym, data_key, created_at)
         SELECT t, s, p, k, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[]) WITH ORDINALITY AS u(t, s, p, k, n)
         ORDER BY n
         ON CONFLICT (tenant_id, subject_id) DO NOTHING`,
        [
          unique.map((s) => s.tenantId),
          unique.map((s) => s.subjectId),
          proposed,
          unique.map(() => newDataKey()),
          now,
        ],
      );
      return (
        await client.query<{ tenant_id: string; subject_id: string; pseudonym: string; data_key: Buffer }>(
          `SELECT k.tenant_id, k.subject_id, k.pseudonym, k.data_key FROM ${this.keys} k
             JOIN unnest($1::text[], $2::text[]) AS u(t, s) ON k.tenant_id = u.t AND k.subject_id = u.s`,
          [unique.map((s) => s.tenantId), unique.map((s) => s.subjectId)],
        )
      ).rows;
    });
    const proposedByRef = new Map(unique.map((s, i) => [refKey(s), proposed[i]]));
    const stored = new Map(rows.map((r) => [refKey({ tenantId: r.tenant_id, subjectId: r.subject_id }), r]));
    // Created here exactly when the stored pseudonym is the one this call drew; a repeat in the batch is not "created".
    const seen = new Set<string>();
    return subjects.map((s) => {
      const ref = refKey(s);
      const row = stored.get(ref);
      if (row === undefined) throw new Error('subject key row vanished right after insert');
      const created = !seen.has(ref) && row.pseudonym === proposedByRef.get(ref);
      seen.add(ref);
      return { pseudonym: row.pseudonym, created, key: row.data_key };
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

  async findPseudonym(tenantId: string, subjectId: string): Promise<string | undefined> {
    const r = await this.pool.query<{ pseudonym: string }>(
      `SELECT pseudonym FROM ${this.keys} WHERE tenant_id = $1 AND subject_id = $2`,
      [tenantId, subjectId],
    );
    return r.rows[0]?.pseudonym;
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
    const at = now.toISOString();
    const { removed, buried } = await this.inTransaction(async (client) => {
      const deleted = await client.query<{ pseudonym: string }>(
        `DELETE FROM ${this.keys} WHERE tenant_id = $1 AND pseudonym = ANY($2::text[]) RETURNING pseudonym`,
        [tenantId, [...pseudonyms]],
      );
      const gone = deleted.rows.map((r) => r.pseudonym);
      await client.query(
        `INSERT INTO ${this.tombstones} (tenant_id, pseudonym, shredded_at) SELECT $1, p, $3 FROM unnest($2::text[]) AS p`,
        [tenantId, gone, now],
      );
      const tombstones = await client.query<{ pseudonym: string; shredded_at: Date }>(
        `SELECT pseudonym, shredded_at FROM ${this.tombstones} WHERE tenant_id = $1 AND pseudonym = ANY($2::text[])`,
        [tenantId, [...pseudonyms]],
      );
      return {
        removed: new Set(gone),
        buried: new Map(tombstones.rows.map((r) => [r.pseudonym, r.shredded_at.toISOString()])),
      };
    });
    // Outside the transaction (VACUUM cannot run in one). Runs on every call, even for
    // "already-shredded" ones, so a retry after a failed VACUUM finishes the clean-up.
    await this.pool.query(`VACUUM FULL ${this.keys}`);
    return pseudonyms.map((pseudonym): ShredOutcome => {
      if (removed.has(pseudonym)) return { pseudonym, status: 'shredded', shreddedAt: at };
      const shreddedAt = buried.get(pseudonym);
      return shreddedAt
        ? { pseudonym, status: 'already-shredded', shreddedAt }
        : { pseudonym, status: 'unknown' };
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
