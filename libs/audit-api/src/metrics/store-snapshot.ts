import type { Clock, Logger } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { CheckpointStore } from '@app/proof';
import type { ObligationTally, ReadModel } from '@app/read-model';

/** retention_ledger_obligations_due_within_7d: deadlines within the next 7 days. */
export const DUE_SOON_MS = 7 * 86_400_000;

export interface StoreSources {
  ledger: LedgerStore;
  readModel: ReadModel;
  clock: Clock;
  log: Logger;
  /** METRICS_REFRESH: how often the stores are read. */
  refreshMs: number;
  /** Where the obligation counts are read (SQLite: a worker thread); default: the read model itself. */
  tally?: ObligationTally;
  /** DISPATCH_MAX_ATTEMPTS: a failed obligation with this many attempts is failed for good. */
  dispatchMaxAttempts?: number;
  /** The checkpoint store beside the ledger: when the latest checkpoint was made. */
  checkpoints?: Pick<CheckpointStore, 'latestCreatedAt'>;
}

export interface StoreReadings {
  ledger: { entries: number; streams: number };
  obligations: Record<string, number>;
  overdue: number;
  /** Still owed, deadline within the next 7 days. */
  dueSoon: number;
  /** Failed with no attempt left (with `dispatchMaxAttempts`). */
  retriesExhausted: number;
  /** The latest checkpoint's `createdAt` (ms since the epoch); undefined while there is none. */
  checkpointAt: number | undefined;
  /** When these were read (ms since the epoch); undefined before the first read. */
  readAt: number | undefined;
}

/**
 * The store-backed gauges, read every `refreshMs` in the background, one read at a time.
 * Counting obligations by status is a scan of the read model (millions of rows at 10 M
 * ledger entries: 1.3 s at 3 M on SQLite), so it is read through an ObligationTally (on
 * SQLite a worker thread, off the event loop ingest shares) and never per scrape: scrapes
 * and /health show the last reading; its age is a metric of its own. The ledger counts
 * come from the stream heads (one row per tenant, not per entry).
 * A store that cannot be read keeps the last values (health reports the store down).
 */
export class StoreSnapshot {
  current: StoreReadings = {
    ledger: { entries: 0, streams: 0 },
    obligations: {},
    overdue: 0,
    dueSoon: 0,
    retriesExhausted: 0,
    checkpointAt: undefined,
    readAt: undefined,
  };
  private reading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly src: StoreSources) {}

  /** Reads now (unless a read is running: then waits for that one). */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.src.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async read(): Promise<void> {
    const next = { ...this.current };
    const at = this.src.clock();
    await this.guarded('ledger', async () => (next.ledger = await this.src.ledger.counts()));
    const tally = this.src.tally;
    if (tally) {
      // The scans in the tally's worker (SQLite), never on this loop: they ran here (1.8 s of
      // the loop in 10 s under load, measured with BENCH_ONLY=api) while `tally` sat unused.
      await this.guarded('obligations', async () => {
        const r = await tally.read(at, DUE_SOON_MS);
        next.obligations = r.byStatus;
        next.overdue = r.overdue;
        next.dueSoon = r.dueSoon;
      });
    } else {
      await this.guarded(
        'obligations',
        async () => (next.obligations = await this.src.readModel.countsByStatus()),
      );
      await this.guarded('overdue', async () => (next.overdue = await this.src.readModel.overdueCount(at)));
      await this.guarded(
        'due soon',
        async () => (next.dueSoon = await this.src.readModel.dueSoonCount(at, DUE_SOON_MS)),
      );
    }
    const maxAttempts = this.src.dispatchMaxAttempts;
    if (maxAttempts !== undefined)
      await this.guarded(
        'failed permanently',
        async () => (next.retriesExhausted = await this.src.readModel.countRetriesExhausted(maxAttempts)),
      );
    const latestCreatedAt = this.src.checkpoints?.latestCreatedAt?.bind(this.src.checkpoints);
    if (latestCreatedAt)
      await this.guarded('checkpoint', async () => {
        const createdAt = await latestCreatedAt();
        next.checkpointAt = createdAt === undefined ? undefined : Date.parse(createdAt);
      });
    next.readAt = at.getTime();
    this.current = next;
  }

  private async guarded(what: string, read: () => Promise<unknown>): Promise<void> {
    try {
      await read();
    } catch (err) {
      this.src.log.warn({ err, what }, 'metrics: could not read a store; the gauge keeps its last value');
    }
  }
}
