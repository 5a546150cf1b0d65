import { Worker } from 'node:worker_threads';
import type { EntryFacts } from '@app/contracts/entry-types';
import type { FactsPage } from '../ledger-store';
import { factsOf, type FactRow } from '../sql-record-row';
import { plainWorkerError } from './worker-error';
import { EPOCH_ROWS_SQL, MAX_EPOCH_SQL, STREAM_SIZES_SQL, streamIdRanges } from './sqlite-stream-groups';

/**
 * One epoch's rows of a group of streams, column by column: structured clone copies
 * arrays of strings far faster than as many small arrays or objects (see sqlite-links).
 */
export interface FactColumns {
  tenantId: string[];
  eventId: string[];
  type: string[];
  occurredAt: string[];
  dataJson: string[];
  subjectJson: Array<string | null>;
}

/** What the worker posts: a page of rows, the end of a group of streams, or (null) the end. */
type GroupMessage = { columns: FactColumns } | { complete: true } | null;

/**
 * Rows to columns. Self-contained on purpose (no imports, no helpers): the worker runs
 * it from its source text, as `checkLinkRows` in sqlite-links.
 */
export function toFactColumns(rows: FactRow[]): FactColumns {
  const c: FactColumns = {
    tenantId: [],
    eventId: [],
    type: [],
    occurredAt: [],
    dataJson: [],
    subjectJson: [],
  };
  for (const row of rows) {
    c.tenantId.push(row[0]);
    c.eventId.push(row[1]);
    c.type.push(row[2]);
    c.occurredAt.push(row[3]);
    c.dataJson.push(row[4]);
    c.subjectJson.push(row[5]);
  }
  return c;
}

export function columnsToFacts(c: FactColumns): EntryFacts[] {
  const facts = new Array<EntryFacts>(c.tenantId.length);
  for (let i = 0; i < facts.length; i++) {
    facts[i] = factsOf(
      c.tenantId[i],
      c.eventId[i],
      c.type[i],
      c.occurredAt[i],
      c.dataJson[i],
      c.subjectJson[i],
    );
  }
  return facts;
}

/** Control words shared with the worker: [0] pages it may still post, [1] 1 once the reader stopped. */
const CREDITS = 0;
const STOP = 1;

function workerSource(): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
const streamIdRanges = ${streamIdRanges.toString()};
const toFactColumns = ${toFactColumns.toString()};
const plainWorkerError = ${plainWorkerError.toString()};
const { path, groupEntries, control, sql } = workerData;
// Waits for a credit (the reader took a page); false once the reader stopped.
const take = () => {
  for (;;) {
    if (Atomics.load(control, ${STOP}) === 1) return false;
    const credits = Atomics.load(control, ${CREDITS});
    if (credits > 0) {
      if (Atomics.compareExchange(control, ${CREDITS}, credits, credits - 1) === credits) return true;
    } else Atomics.wait(control, ${CREDITS}, credits, 1000);
  }
};
let db;
try {
  db = new Database(path, { readonly: true, fileMustExist: true });
  const maxEpoch = db.prepare(sql.maxEpoch).pluck();
  const epochRows = db.prepare(sql.epochRows).raw();
  read: for (const [lo, hi] of streamIdRanges(db.prepare(sql.sizes).raw().all(), groupEntries)) {
    for (let epoch = 0; epoch <= (maxEpoch.get() ?? 0); epoch++) {
      const rows = epochRows.all(epoch, lo, hi);
      if (rows.length === 0) continue;
      if (!take()) break read;
      parentPort.postMessage({ columns: toFactColumns(rows) });
    }
    parentPort.postMessage({ complete: true });
  }
} catch (error) {
  throw plainWorkerError(error);
} finally {
  db?.close();
}
parentPort.postMessage(null);
`;
}

/**
 * `SqliteStreamGroups.read` on a worker thread (its own read-only connection): the
 * worker steps SQLite and copies the rows out while this thread decodes and folds the
 * pages before, so a rebuild's reading and folding overlap on two cores instead of
 * taking turns on one. The same queries, so the same pages in the same order; at most
 * `inFlight` pages wait here at once (the worker blocks for credits), so memory stays
 * bounded by the group size as in the one-thread read.
 *
 * Stop the worker (`return()` on the iterator, as `for await` does) when done.
 */
export async function* workerGroupPages(
  path: string,
  groupEntries: number,
  inFlight = 4,
): AsyncGenerator<FactsPage, void, undefined> {
  const control = new Int32Array(new SharedArrayBuffer(8));
  control[CREDITS] = inFlight;
  const sql = { sizes: STREAM_SIZES_SQL, maxEpoch: MAX_EPOCH_SQL, epochRows: EPOCH_ROWS_SQL };
  const worker = new Worker(workerSource(), { eval: true, workerData: { path, groupEntries, control, sql } });
  const queue: GroupMessage[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (message: GroupMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = new Error(`ledger group-read worker (${path}): ${error.message}`);
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`ledger group-read worker exited with code ${code}`);
    exited = true;
    notify();
  });
  try {
    for (;;) {
      if (queue.length === 0) {
        if (failure !== undefined) throw failure;
        if (exited) throw new Error('ledger group-read worker stopped before the end of the ledger');
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      // A short queue: at most `inFlight` pages and the group ends between them.
      const [message] = queue.splice(0, 1);
      if (message === null) return;
      if ('complete' in message) {
        yield { facts: [], streamsComplete: true };
        continue;
      }
      // The worker reads the next page while this one is decoded and folded.
      Atomics.add(control, CREDITS, 1);
      Atomics.notify(control, CREDITS);
      yield { facts: columnsToFacts(message.columns), streamsComplete: false };
    }
  } finally {
    Atomics.store(control, STOP, 1);
    Atomics.notify(control, CREDITS);
    await worker.terminate();
  }
}
