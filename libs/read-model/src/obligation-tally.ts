import type { ReadModel } from './obligation-record';
import { SqliteStatusTally } from './sqlite/sqlite-status-tally';

export interface TallyReading {
  byStatus: Record<string, number>;
  /** Past their deadline and still owed (as `ReadModel.overdueCount`). */
  overdue: number;
  /** Still owed, deadline within `dueSoonMs` (as `ReadModel.dueSoonCount`). */
  dueSoon: number;
}

/** The obligation counts /metrics shows, read where they do not hold the event loop. */
export interface ObligationTally {
  read(now: Date, dueSoonMs: number): Promise<TallyReading>;
  close(): Promise<void>;
}

/**
 * SQLite: in a worker thread (see SqliteStatusTally). PostgreSQL: the read model's own
 * queries, which are asynchronous already (the server does the scan).
 */
export function openObligationTally(url: string, readModel: ReadModel): ObligationTally {
  if (url.startsWith('sqlite:')) return new SqliteStatusTally(url.slice('sqlite:'.length));
  return {
    read: async (now, dueSoonMs) => ({
      byStatus: await readModel.countsByStatus(),
      overdue: await readModel.overdueCount(now),
      dueSoon: await readModel.dueSoonCount(now, dueSoonMs),
    }),
    close: async () => {},
  };
}
