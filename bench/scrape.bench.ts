import path from 'node:path';
import { createLogger } from '@app/config';
import { openLedger } from '@app/ledger';
import { ObligationRecord, ObligationTally, openObligationTally, openReadModel } from '@app/read-model';
import { ApiMetrics } from '@app/audit-api';
import type { Obligation, ObligationStatus } from '@app/retention';
import { lifecycleEntries } from '../test/support/ledger-facts';

export interface ScrapeFigures {
  entries: number;
  obligations: number;
  /** What a scrape used to cost: the store reads themselves (ledger counts, obligations by status, overdue). */
  storeReadMs: number;
  /** The same reading through the worker-thread tally: wall time, and the longest the event loop was held meanwhile. */
  tallyReadMs: number;
  tallyLoopHeldMs: number;
  /** A scrape now: the exposition from the last reading. */
  scrapeMs: number;
  /** The readiness probe's store reads (last position, checkpoint). */
  readyMs: number;
}

const STATUSES = [
  'scheduled',
  'scheduled',
  'scheduled',
  'issued',
  'confirmed',
  'confirmed',
  'cancelled',
  'failed',
] satisfies ObligationStatus[];

/** Obligations written straight to the read model (the fold is not what is measured here). */
function obligationBatch(from: number, n: number, t0: number): ObligationRecord[] {
  const out: ObligationRecord[] = [];
  for (let i = from; i < from + n; i++) {
    const due = new Date(t0 + (i % 86_400) * 60_000).toISOString();
    out.push({
      obligationId: `o-${i.toString(36).padStart(8, '0')}`,
      tenantId: `t-${i % 10_000}`,
      region: i % 2 ? 'us' : 'eu',
      store: 'main',
      status: STATUSES[i % STATUSES.length],
      dueAt: due,
      deadline: due,
      // The counts read only the columns: an empty detail is enough here.
      detail: {} as Obligation,
    });
  }
  return out;
}

async function timeMs(n: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - started) / n;
}

/**
 * /metrics at a large ledger (SQLite): a scrape against the stores it used to read on
 * every scrape (now read every METRICS_REFRESH in the background), and /health/ready's reads.
 */
export async function benchScrape(dir: string, entries: number, obligations: number): Promise<ScrapeFigures> {
  const ledger = await openLedger(`sqlite:${path.join(dir, 'scrape-ledger.db')}`);
  const readModel = await openReadModel(`sqlite:${path.join(dir, 'scrape-read-model.db')}`);
  try {
    const all = lifecycleEntries(entries, { tenants: 10_000, seed: 'scrape' });
    for (let i = 0; i < all.length; i += 50_000) await ledger.appendBatch(all.slice(i, i + 50_000));
    const t0 = Date.now() - 30 * 86_400_000;
    const load = await readModel.load();
    for (let i = 0; i < obligations; i += 50_000) {
      await load.add(obligationBatch(i, Math.min(50_000, obligations - i), t0));
    }
    await load.commit(await ledger.lastPosition());
    const metricsOf = (tally?: ObligationTally) =>
      new ApiMetrics({
        ledger,
        readModel,
        clock: () => new Date(),
        log: createLogger('silent'),
        refreshMs: 15_000,
        pipeline: { projectorInProcess: false },
        tally,
      });
    // On the event loop (as every scrape did before), then through the worker-thread tally.
    const metrics = metricsOf();
    const storeReadMs = await timeMs(5, () => metrics.stores.refresh());
    const tally = openObligationTally(`sqlite:${path.join(dir, 'scrape-read-model.db')}`, readModel);
    const offThread = metricsOf(tally);
    let tallyLoopHeldMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      tallyLoopHeldMs = Math.max(tallyLoopHeldMs, now - last - 5);
      last = now;
    }, 5);
    const tallyReadMs = await timeMs(5, () => offThread.stores.refresh());
    clearInterval(ticker);
    await tally.close();
    const scrapeMs = await timeMs(50, () => metrics.metrics());
    const readyMs = await timeMs(50, () => Promise.all([ledger.lastPosition(), readModel.checkpoint()]));
    return { entries, obligations, storeReadMs, tallyReadMs, tallyLoopHeldMs, scrapeMs, readyMs };
  } finally {
    await readModel.close();
    await ledger.close();
  }
}
