import { Worker } from 'node:worker_threads';
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
 * built-ins — because `startLinkWorker` also runs it in a worker thread from
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

export interface LinkQuery {
  path: string;
  /** A SELECT of LINK_COLUMNS. */
  sql: string;
  args: Array<string | number>;
  batchSize: number;
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
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
try {
  db.exec('BEGIN');
  const rows = db.prepare(workerData.sql).raw().iterate(...workerData.args);
  for (const batch of checkLinkRows(rows, sha256, workerData.batchSize)) parentPort.postMessage(batch);
} finally {
  db.close();
}
parentPort.postMessage(null);
`;
}

/** A worker checking links, started at once; its batches are queued until read. */
export interface LinkWorker {
  batches: AsyncIterable<ChainLink[]>;
  stop(): Promise<void>;
}

/**
 * Starts checking the links of `query` in a worker thread (its own connection
 * and read transaction) right away, so it runs while the caller does its share.
 */
export function startLinkWorker(query: LinkQuery): LinkWorker {
  const worker = new Worker(workerSource(), { eval: true, workerData: query });
  const queue: Array<LinkColumns | null> = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (batch: LinkColumns | null) => {
    queue.push(batch);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`ledger verify worker exited with code ${code}`);
    notify();
  });
  async function* batches(): AsyncGenerator<ChainLink[], void, undefined> {
    for (;;) {
      const next = queue.shift();
      if (next === null) return;
      if (next !== undefined) {
        yield columnsToLinks(next);
        continue;
      }
      if (failure !== undefined) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  return {
    batches: batches(),
    stop: async () => {
      await worker.terminate();
    },
  };
}
