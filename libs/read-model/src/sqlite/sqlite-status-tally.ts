import { Worker } from 'node:worker_threads';
import type { ObligationTally, TallyReading } from '../obligation-tally';
import { OWED_SQL } from '../owed-sql';

export const COUNTS_BY_STATUS_SQL = 'SELECT status, count(*) AS n FROM obligations GROUP BY status';
/** `isOverdue` (libs/retention) in SQL: deadline passed, still owed. */
export const OVERDUE_COUNT_SQL = `SELECT count(*) FROM obligations WHERE deadline < ? AND ${OWED_SQL}`;
/** `isDueSoon` (libs/retention) in SQL: deadline within the window, not yet passed, still owed. */
export const DUE_SOON_COUNT_SQL = `SELECT count(*) FROM obligations WHERE deadline >= ? AND deadline <= ? AND ${OWED_SQL}`;

/** Runs in the worker: a read-only connection of its own; each message is one reading. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
const byStatus = db.prepare(workerData.byStatus);
const overdue = db.prepare(workerData.overdue).pluck();
const dueSoon = db.prepare(workerData.dueSoon).pluck();
parentPort.on('message', ({ id, now, soon }) => {
  try {
    const rows = byStatus.all();
    const counts = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    parentPort.postMessage({ id, byStatus: counts, overdue: overdue.get(now), dueSoon: dueSoon.get(now, soon) });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

type Answer = { id: number } & (TallyReading | { error: string });

/**
 * The obligation counts on SQLite, off the event loop: both counts scan the read model
 * (1.3 s at 3 M obligations, measured in `BENCH_ONLY=scrape`), and better-sqlite3 is
 * synchronous, so on the main thread they would stall ingest and the API for that long.
 * A worker thread with its own read-only connection (WAL: it never blocks the writer)
 * runs them instead, one reading at a time.
 */
export class SqliteStatusTally implements ObligationTally {
  private readonly worker: Worker;
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (r: TallyReading) => void; reject: (e: Error) => void }
  >();

  constructor(file: string) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: require.resolve('better-sqlite3'),
        byStatus: COUNTS_BY_STATUS_SQL,
        overdue: OVERDUE_COUNT_SQL,
        dueSoon: DUE_SOON_COUNT_SQL,
      },
    });
    this.worker.unref();
    this.worker.on('message', (a: Answer) => {
      const w = this.waiting.get(a.id);
      this.waiting.delete(a.id);
      if (!w) return;
      if ('error' in a) w.reject(new Error(`read model counts: ${a.error}`));
      else w.resolve({ byStatus: a.byStatus, overdue: a.overdue, dueSoon: a.dueSoon });
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) =>
      this.failAll(new Error(`read model counts: worker exited with ${code}`)),
    );
  }

  read(now: Date, dueSoonMs: number): Promise<TallyReading> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const soon = new Date(now.getTime() + dueSoonMs).toISOString();
      this.worker.postMessage({ id, now: now.toISOString(), soon });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
