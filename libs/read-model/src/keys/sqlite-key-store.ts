import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ApiKeyRecord, ApiKeyRole, ApiKeyStore, CreatedApiKey, RevokeOutcome } from './api-key';
import { checkKeySpec, keyHash, looksLikeKey, newKeyId, newKeySecret } from './key-material';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  key_id     TEXT PRIMARY KEY,
  key_hash   TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role IN ('auditor', 'operator')),
  tenant_id  TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) WITHOUT ROWID;
`;

interface Row {
  key_id: string;
  role: ApiKeyRole;
  tenant_id: string | null;
  created_at: string;
  revoked_at: string | null;
}

function toRecord(r: Row): ApiKeyRecord {
  return {
    id: r.key_id,
    role: r.role,
    tenantId: r.tenant_id,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/**
 * Keys in the read model's SQLite file (a table of their own: `rebuild` drops
 * obligations, never keys). A separate connection: the projector writes the same file.
 */
export class SqliteKeyStore implements ApiKeyStore {
  private readonly db: Database.Database;
  /** Prepared once: compiling the statement cost more than running it, on every request. */
  private readonly byHash: Database.Statement<[string], Row>;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.byHash = this.db.prepare<[string], Row>(
      'SELECT key_id, role, tenant_id, created_at, revoked_at FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
    );
  }

  async create(spec: { role: ApiKeyRole; tenantId: string | null }, now: Date): Promise<CreatedApiKey> {
    checkKeySpec(spec);
    const key = newKeySecret();
    const record: ApiKeyRecord = {
      id: newKeyId(),
      role: spec.role,
      tenantId: spec.tenantId,
      createdAt: now.toISOString(),
      revokedAt: null,
    };
    this.db
      .prepare('INSERT INTO api_keys (key_id, key_hash, role, tenant_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(record.id, keyHash(key), record.role, record.tenantId, record.createdAt);
    return { record, key };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = this.db
      .prepare(
        'SELECT key_id, role, tenant_id, created_at, revoked_at FROM api_keys ORDER BY created_at, key_id',
      )
      .all() as Row[];
    return rows.map(toRecord);
  }

  async authenticate(key: string): Promise<ApiKeyRecord | undefined> {
    if (!looksLikeKey(key)) return undefined;
    const row = this.byHash.get(keyHash(key));
    return row ? toRecord(row) : undefined;
  }

  async revoke(id: string, now: Date): Promise<RevokeOutcome> {
    const row = this.db.prepare('SELECT revoked_at FROM api_keys WHERE key_id = ?').get(id) as
      { revoked_at: string | null } | undefined;
    if (!row) return 'unknown';
    if (row.revoked_at !== null) return 'already-revoked';
    this.db
      .prepare('UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL')
      .run(now.toISOString(), id);
    return 'revoked';
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
