import { Worker } from 'node:worker_threads';
import { plainWorkerError } from './worker-error';
import type { ChainLink } from '../hash-chain';
import type { LinkRow } from './sqlite-canonical';

/**
 * A batch of checked links, column by column: structured clone copies arrays
 * of strings about six times faster than as many small objects, which matters
 * for what the verify worker sends back.
 */
export interface LinkColumns {
  tenantId: string[];
  streamPosition: number[];
  prevHash: string[];
  hash: string[];
  hashMatches: boolean[];
  subjectMatches: Array<boolean | null>;
}

/**
 * Checks SQLite link rows (sha256 of the hash input and of the subject part)
 * and yields them in batches.
 *
 * Self-contained on purpose — it uses only its arguments and language
 * built-ins — because `parallelLinkBatches` also runs it in a worker thread from
 * its source text, which works the same from the compiled build and from jest's
 * on-the-fly TypeScript. Keep it that way (no imports, no helpers).
 */
export function* checkLinkRows(
  rows: Iterable<LinkRow>,
  sha256: (text: string) => string,
  batchSize: number,
): Generator<LinkColumns, void, undefined> {
  const empty = (): LinkColumns => ({
    tenantId: [],
    streamPosition: [],
    prevHash: [],
    hash: [],
    hashMatches: [],
    subjectMatches: [],
  });
  let batch = empty();
  for (const row of rows) {
    const subjectJson = row[4];
    batch.tenantId.push(row[0]);
    batch.streamPosition.push(row[1]);
    batch.prevHash.push(row[2]);
    batch.hash.push(row[3]);
    batch.hashMatches.push(sha256(row[6]) === row[3]);
    batch.subjectMatches.push(subjectJson === null ? null : sha256(subjectJson) === row[5]);
    if (batch.hash.length === batchSize) {
      yield batch;
      batch = empty();
    }
  }
  if (batch.hash.length > 0) yield batch;
}

export function columnsToLinks(c: LinkColumns): ChainLink[] {
  const links = new Array<ChainLink>(c.hash.length);
  for (let i = 0; i < links.length; i++) {
    links[i] = {
      tenantId: c.tenantId[i],
      streamPosition: c.streamPosition[i],
      prevHash: c.prevHash[i],
      hash: c.hash[i],
      hashMatches: c.hashMatches[i],
      subjectMatches: c.subjectMatches[i],
    };
  }
  return links;
}

/** Checked links of `rows`, in batches (in this thread). */
export function* linkBatches(
  rows: Iterable<LinkRow>,
  sha256: (text: string) => string,
  batchSize: number,
): Generator<ChainLink[], void, undefined> {
  for (const columns of checkLinkRows(rows, sha256, batchSize)) yield columnsToLinks(columns);
}

export interface LinkChunks {
  path: string;
  /** A SELECT of LINK_COLUMNS with two parameters: global_position > ? AND global_position <= ?. */
  sql: string;
  /** Global positions per chunk. */
  chunkSize: number;
  /** Global positions per read: a whole chunk read at once keeps its strings alive long enough to cost more in GC than the reads save. */
  pageSize: number;
  /** The last global position to check. */
  last: number;
}

/**
 * The rows of (from, to], read `pageSize` global positions at a time: `all()`
 * per page costs less per row than `iterate()`. Self-contained for the same
 * reason as `checkLinkRows`.
 */
export function* readPages(
  stmt: { all(from: number, to: number): LinkRow[] },
  from: number,
  to: number,
  pageSize: number,
): Generator<LinkRow, void, undefined> {
  for (let lo = from; lo < to; lo += pageSize) yield* stmt.all(lo, Math.min(lo + pageSize, to));
}

/** Chunk `index` of `plan` as the (from, to] arguments of its SQL. */
function chunkRange(plan: LinkChunks, index: number): [number, number] {
  return [index * plan.chunkSize, Math.min((index + 1) * plan.chunkSize, plan.last)];
}

function workerSource(): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
const sha256 = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
const checkLinkRows = ${checkLinkRows.toString()};
const readPages = ${readPages.toString()};
const plainWorkerError = ${plainWorkerError.toString()};
const { plan, next } = workerData;
const chunks = Math.ceil(plan.last / plan.chunkSize);
let db;
try {
  db = new Database(plan.path, { readonly: true, fileMustExist: true });
  db.exec('BEGIN');
  const stmt = db.prepare(plan.sql).raw();
  for (let index = Atomics.add(next, 0, 1); index < chunks; index = Atomics.add(next, 0, 1)) {
    const from = index * plan.chunkSize;
    const rows = readPages(stmt, from, Math.min(from + plan.chunkSize, plan.last), plan.pageSize);
    let links = { tenantId: [], streamPosition: [], prevHash: [], hash: [], hashMatches: [], subjectMatches: [] };
    for (const batch of checkLinkRows(rows, sha256, Infinity)) links = batch;
    parentPort.postMessage({ index, links });
  }
} catch (error) {
  throw plainWorkerError(error);
} finally {
  db?.close();
}
parentPort.postMessage(null);
`;
}

interface CheckedChunk {
  index: number;
  links: LinkColumns;
}

/**
 * Checks the links of `plan` on this thread and on a worker thread (its own
 * connection and read transaction) together: the log is cut into chunks of
 * global positions that both threads claim in order from a shared counter, so
 * both stay busy to the end however fast each one runs (the worker starts
 * late, the host is shared). Batches come out in chunk order — global order,
 * each stream in position order — whichever thread checked them.
 *
 * `mine` reads a page's rows on this thread, inside the caller's snapshot.
 * Stop the worker (`return()` on the iterator, as `for await` does) when done.
 */
export async function* parallelLinkBatches(
  plan: LinkChunks,
  mine: { all(from: number, to: number): LinkRow[] },
  sha256: (text: string) => string,
): AsyncGenerator<ChainLink[], void, undefined> {
  const chunks = Math.ceil(plan.last / plan.chunkSize);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerSource(), { eval: true, workerData: { plan, next } });
  // Chunks checked by either thread and not yet passed on, by index.
  const ready = new Map<number, ChainLink[]>();
  let workerDone = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (chunk: CheckedChunk | null) => {
    if (chunk === null) workerDone = true;
    else ready.set(chunk.index, columnsToLinks(chunk.links));
    notify();
  });
  worker.on('error', (error) => {
    failure = new Error(`ledger verify worker (${plan.path}): ${error.message}`);
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`ledger verify worker exited with code ${code}`);
    workerDone = true;
    notify();
  });
  try {
    let emitted = 0;
    for (;;) {
      const index = Atomics.add(next, 0, 1);
      if (index >= chunks) break;
      const [from, to] = chunkRange(plan, index);
      ready.set(index, [...linkBatches(readPages(mine, from, to, plan.pageSize), sha256, Infinity)].flat());
      for (let links = ready.get(emitted); links !== undefined; links = ready.get(emitted)) {
        ready.delete(emitted++);
        yield links;
      }
      // A turn of the event loop lets the worker's finished chunks arrive
      // (messages are not delivered while this loop runs), so they are passed
      // on as we go instead of piling up until the end.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    while (emitted < chunks) {
      const links = ready.get(emitted);
      if (links !== undefined) {
        ready.delete(emitted++);
        yield links;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (workerDone) throw new Error(`ledger verify worker stopped before chunk ${emitted}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await worker.terminate();
  }
}
