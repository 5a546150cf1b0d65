import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TransientError } from '@app/config/faults';
import type { ShredOutcome, SubjectLookup, SubjectRef } from './subject-key-store';
import { checkId, checkRefs, type KeyedGrant, KeyedSubjectStore, type KeyState } from './keyed-subject-store';
import { newPseudonym } from './pseudonym';
import { newDataKey } from './subject-cipher';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subject_keys (
  tenant_id  TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  pseudonym  TEXT NOT NULL UNIQUE,
  data_key   BLOB NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, subject_id)
) WITHOUT ROWID;
-- What a shred leaves: no subject id, no key.
CREATE TABLE IF NOT EXISTS subject_tombstones (
  tenant_id   TEXT NOT NULL,
  pseudonym   TEXT NOT NULL,
  shredded_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, pseudonym)
) WITHOUT ROWID;
`;

interface KeyRow {
  subject_id: string;
  pseudonym: string;
  data_key: Buffer;
  created_at: string;
}

/**
 * Subject keys in a SQLite file of their own (SUBJECT_KEYS_URL=sqlite:<path>).
 *
 * Shredding must leave no copy in any byte of the file set: `secure_delete=ON` zeroes
 * deleted cells and freed pages in place, and a VACUUM after each shred batch removes the
 * stale copies page rebuilds leave in unallocated space (it rewrites the file: a shred
 * batch costs time in proportion to the store's size); in WAL mode the pre-delete pages also sit in
 * the -wal file until a checkpoint, so every shred ends with `wal_checkpoint(TRUNCATE)`,
 * which copies the zeroed pages into the database and cuts the WAL to zero bytes.
 * The raw-file scan in sqlite-shred-bytes.int-spec.ts is the proof.
 */
export class SqliteSubjectKeyStore extends KeyedSubjectStore {
  private readonly db: Database.Database;
  private readonly stmts;

  /** `busyTimeoutMs`: how long a write or the post-shred checkpoint waits for other connections (default 5 s). */
  constructor(file: string, options: { busyTimeoutMs?: number } = {}) {
    super();
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    // Per connection, so set on every open, before anything is deleted.
    this.db.pragma('secure_delete = ON');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.stmts = {
      insert: this.db.prepare(
        `INSERT INTO subject_keys (tenant_id, subject_id, pseudonym, data_key, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, subject_id) DO NOTHING`,
      ),
      bySubject: this.db.prepare<[string, string], { pseudonym: string; data_key: Buffer }>(
        'SELECT pseudonym, data_key FROM subject_keys WHERE tenant_id = ? AND subject_id = ?',
      ),
      byPseudonym: this.db.prepare<[string, string], KeyRow>(
        'SELECT subject_id, pseudonym, data_key, created_at FROM subject_keys WHERE tenant_id = ? AND pseudonym = ?',
      ),
      tombstone: this.db.prepare<[string, string], { shredded_at: string }>(
        'SELECT shredded_at FROM subject_tombstones WHERE tenant_id = ? AND pseudonym = ?',
      ),
      hasStat4: this.db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'"),
      remove: this.db.prepare('DELETE FROM subject_keys WHERE tenant_id = ? AND pseudonym = ?'),
      bury: this.db.prepare(
        'INSERT INTO subject_tombstones (tenant_id, pseudonym, shredded_at) VALUES (?, ?, ?)',
      ),
    };
  }

  protected async grantKeys(subjects: readonly SubjectRef[], now: Date): Promise<KeyedGrant[]> {
    checkRefs(subjects);
    const at = now.toISOString();
    return this.db
      .transaction(() =>
        subjects.map(({ tenantId, subjectId }): KeyedGrant => {
          const existing = this.stmts.bySubject.get(tenantId, subjectId);
          if (existing) return { pseudonym: existing.pseudonym, created: false, key: existing.data_key };
          // ON CONFLICT DO NOTHING: a concurrent writer (another process) that created it first wins.
          const inserted = this.stmts.insert.run(tenantId, subjectId, newPseudonym(), newDataKey(), at);
          const row = this.stmts.bySubject.get(tenantId, subjectId);
          if (!row) throw new Error('subject key row vanished right after insert');
          return { pseudonym: row.pseudonym, created: inserted.changes === 1, key: row.data_key };
        }),
      )
      .immediate();
  }

  async findPseudonym(tenantId: string, subjectId: string): Promise<string | undefined> {
    return this.stmts.bySubject.get(tenantId, subjectId)?.pseudonym;
  }

  async lookup(tenantId: string, pseudonym: string): Promise<SubjectLookup> {
    const row = this.stmts.byPseudonym.get(tenantId, pseudonym);
    if (row) return { state: 'active', pseudonym, subjectId: row.subject_id, createdAt: row.created_at };
    const dead = this.stmts.tombstone.get(tenantId, pseudonym);
    return dead
      ? { state: 'shredded', pseudonym, shreddedAt: dead.shredded_at }
      : { state: 'unknown', pseudonym };
  }

  protected async keyState(tenantId: string, pseudonym: string): Promise<KeyState> {
    const row = this.stmts.byPseudonym.get(tenantId, pseudonym);
    if (row) return { state: 'active', key: row.data_key };
    const dead = this.stmts.tombstone.get(tenantId, pseudonym);
    return dead ? { state: 'shredded', shreddedAt: dead.shredded_at } : { state: 'unknown' };
  }

  async shred(tenantId: string, pseudonyms: readonly string[], now: Date): Promise<ShredOutcome[]> {
    checkId('tenantId', tenantId);
    const at = now.toISOString();
    const outcomes = this.db
      .transaction((): ShredOutcome[] => {
        // ANALYZE (STAT4 is compiled into better-sqlite3) keeps whole sampled index keys — ids
        // included — in sqlite_stat4. The store never runs it, but an operator or PRAGMA optimize
        // may: the samples go with every shred (the planner does without them).
        if (this.stmts.hasStat4.get()) this.db.exec('DELETE FROM sqlite_stat4');
        return pseudonyms.map((pseudonym): ShredOutcome => {
          if (this.stmts.remove.run(tenantId, pseudonym).changes === 1) {
            this.stmts.bury.run(tenantId, pseudonym, at);
            return { pseudonym, status: 'shredded', shreddedAt: at };
          }
          const dead = this.stmts.tombstone.get(tenantId, pseudonym);
          return dead
            ? { pseudonym, status: 'already-shredded', shreddedAt: dead.shredded_at }
            : { pseudonym, status: 'unknown' };
        });
      })
      .immediate();
    // secure_delete zeroes the cells a DELETE frees, but not the stale copies an earlier
    // page rebuild (a b-tree balance) left in a page's unallocated gap: a live row moved to a
    // sibling page can stand a second time there, and outlives its shred (met in CI, found
    // by sqlite-shred-bytes.int-spec.ts). VACUUM rewrites every page from the live rows.
    if (outcomes.some((o) => o.status === 'shredded')) this.db.exec('VACUUM');
    this.truncateWal();
    return outcomes;
  }

  /**
   * Copies the WAL into the database and truncates it. Waits (busy timeout) for readers of
   * older snapshots; if one still holds the WAL, the shred is committed but copies remain in
   * the -wal file: a TransientError says so, and retrying the shred (now "already-shredded")
   * retries the truncation.
   */
  private truncateWal(): void {
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number }>;
    if (result && (result.busy !== 0 || result.log !== 0)) {
      throw new TransientError(
        'subject keys shredded, but a reader still holds the SQLite WAL: retry the shred to truncate it',
      );
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
