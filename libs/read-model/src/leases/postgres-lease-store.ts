import type { Pool } from 'pg';
import { createInSchema, createPgPool } from '@app/config/pg-pool';
import { claimOrder, type LeaseStore } from './lease-store';

/**
 * Leases in PostgreSQL, for dispatchers and projectors on any number of hosts. A claim
 * is one upsert: a name held by someone else and not expired is skipped (the WHERE of
 * DO UPDATE), and two claimers of one name are ordered by its row lock.
 */
export class PostgresLeaseStore implements LeaseStore {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  static async connect(connectionString: string, schema: string): Promise<PostgresLeaseStore> {
    // With the error listeners every pool of the system has: a lost lease connection must not kill the process.
    const pool = createPgPool(connectionString, { max: 2, applicationName: 'leases' });
    const table = `${schema}.leases`;
    try {
      await createInSchema(
        pool,
        schema,
        `CREATE SCHEMA IF NOT EXISTS ${schema};
         CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL)`,
      );
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresLeaseStore(pool, table);
  }

  async claim(names: string[], holder: string, nowMs: number, ttlMs: number): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const { rows } = await this.pool.query<[string]>({
      text: `INSERT INTO ${this.table} AS l (name, holder, expires_at)
             SELECT n, $2, $4 FROM unnest($1::text[]) AS n
             ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
             WHERE l.expires_at <= $3 OR l.holder = $2
             RETURNING name`,
      values: [claimOrder(names), holder, nowMs, nowMs + ttlMs],
      rowMode: 'array',
    });
    return new Set(rows.map((r) => r[0]));
  }

  async release(names: string[], holder: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE name = ANY($1::text[]) AND holder = $2`, [
      names,
      holder,
    ]);
  }

  async holders(): Promise<string[]> {
    const { rows } = await this.pool.query<[string]>({
      text: `SELECT DISTINCT holder FROM ${this.table}`,
      rowMode: 'array',
    });
    return rows.map((r) => r[0]);
  }

  async releaseAll(holder: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE holder = $1`, [holder]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
