import type { StoreFaultReport } from '@app/config';

/**
 * What the API may see of the services running in the same process. Apps do not import
 * each other (DESIGN.md), so the composition root (apps/cli/src/runtime.ts) fills this
 * in after it created the services; a member is absent when its service runs elsewhere.
 */
export interface PipelineProbes {
  ingest?: {
    counters(): { appended: number; duplicates: number; rejected: number };
    consumerStatus(): string;
    consumerLag(): number;
  };
  dispatcher?: {
    counters(): {
      issued: number;
      published: number;
      retried: number;
      receiptTimeouts: number;
      publishFailures: number;
    };
  };
  /** This process's store errors and whether a store is failing now (see StoreFaults). */
  storeFaults?: () => StoreFaultReport[];
  /** Replays the ledger into a new read model and swaps it in; returns the entries replayed. */
  rebuild?: () => Promise<number>;
  /** A projector in this process would race a rebuild, so the API refuses one then. */
  projectorInProcess: boolean;
}
