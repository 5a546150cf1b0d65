import Database from 'better-sqlite3';
import { claimOrder, type LeaseStore } from './lease-store';

/** Leases for several processes on one host sharing a SQLite read model (WAL, one writer at a time). */
export class SqliteLeaseStore implements LeaseStore {
  private readonly db: Database.Database;
  private readonly claimTx: (names: string[], holder: string, nowMs: number, until: number) => Set<string>;
  private readonly releaseOne: Database.Statement<[string, string]>;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS leases (
      name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`);
    const claimOne = this.db.prepare<
      [{ name: string; holder: string; now: number; until: number }],
      { name: string }
    >(
      `INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @until)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.expires_at <= @now OR leases.holder = @holder
       RETURNING name`,
    );
    this.releaseOne = this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?');
    const tx = this.db.transaction((names: string[], holder: string, nowMs: number, until: number) => {
      const granted = new Set<string>();
      for (const name of names) if (claimOne.get({ name, holder, now: nowMs, until })) granted.add(name);
      return granted;
    });
    // IMMEDIATE: take the write lock first, so the check and the write see one state.
    this.claimTx = (names, holder, nowMs, until) => tx.immediate(names, holder, nowMs, until);
  }

  async claim(names: string[], holder: string, nowMs: number, ttlMs: number): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    return this.claimTx(claimOrder(names), holder, nowMs, nowMs + ttlMs);
  }

  async release(names: string[], holder: string): Promise<void> {
    this.db.transaction(() => {
      for (const name of names) this.releaseOne.run(name, holder);
    })();
  }

  async holders(): Promise<string[]> {
    return this.db.prepare<[], string>('SELECT DISTINCT holder FROM leases').pluck().all();
  }

  async releaseAll(holder: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE holder = ?').run(holder);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
