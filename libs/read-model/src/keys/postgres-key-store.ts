import type { Pool } from 'pg';
import { createInSchema, createPgPool } from '@app/config/pg-pool';
import { ApiKeyRecord, ApiKeyRole, ApiKeyStore, CreatedApiKey, RevokeOutcome } from './api-key';
import { checkKeySpec, keyHash, looksLikeKey, newKeyId, newKeySecret } from './key-material';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

interface Row {
  key_id: string;
  role: ApiKeyRole;
  tenant_id: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

function toRecord(r: Row): ApiKeyRecord {
  return {
    id: r.key_id,
    role: r.role,
    tenantId: r.tenant_id,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

const COLUMNS = 'key_id, role, tenant_id, created_at, revoked_at';

/** Keys in the read model's PostgreSQL schema (`?schema=name`, default `retention`), as in PostgresReadModel. */
export class PostgresKeyStore implements ApiKeyStore {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  static async connect(url: string): Promise<PostgresKeyStore> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'retention';
    if (!IDENT.test(schema)) throw new Error(`READ_MODEL_URL: schema must match ${IDENT}, got "${schema}"`);
    parsed.searchParams.delete('schema');
    const pool = createPgPool(parsed.toString(), { max: 2, applicationName: 'api-keys' });
    try {
      await createInSchema(
        pool,
        schema,
        `CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.api_keys (
          key_id     TEXT PRIMARY KEY,
          key_hash   TEXT NOT NULL UNIQUE,
          role       TEXT NOT NULL CHECK (role IN ('auditor', 'operator')),
          tenant_id  TEXT,
          created_at TIMESTAMPTZ NOT NULL,
          revoked_at TIMESTAMPTZ
        );`,
      );
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresKeyStore(pool, `${schema}.api_keys`);
  }

  async create(spec: { role: ApiKeyRole; tenantId: string | null }, now: Date): Promise<CreatedApiKey> {
    checkKeySpec(spec);
    const key = newKeySecret();
    const r = await this.pool.query<Row>(
      `INSERT INTO ${this.table} (key_id, key_hash, role, tenant_id, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [newKeyId(), keyHash(key), spec.role, spec.tenantId, now],
    );
    return { record: toRecord(r.rows[0]), key };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const r = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY created_at, key_id`);
    return r.rows.map(toRecord);
  }

  async authenticate(key: string): Promise<ApiKeyRecord | undefined> {
    if (!looksLikeKey(key)) return undefined;
    const r = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash(key)],
    );
    return r.rows[0] ? toRecord(r.rows[0]) : undefined;
  }

  async revoke(id: string, now: Date): Promise<RevokeOutcome> {
    const updated = await this.pool.query(
      `UPDATE ${this.table} SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL`,
      [id, now],
    );
    if (updated.rowCount === 1) return 'revoked';
    const exists = await this.pool.query(`SELECT 1 FROM ${this.table} WHERE key_id = $1`, [id]);
    return exists.rowCount === 1 ? 'already-revoked' : 'unknown';
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
