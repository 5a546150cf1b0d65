import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NewEntry } from '@app/contracts/entry-types';
import { SqliteLedgerStore } from '@app/ledger';

const BATCH = 1000;

function rate(count: number, ms: number): number {
  return ms > 0 ? Math.round((count * 1000) / ms) : count;
}

/**
 * Appends `entries` into a fresh, durable (WAL, synchronous=FULL) SQLite ledger
 * in batches of 1000, as ingest does, then verifies every chain. Rates are
 * entries per second of wall time.
 */
export async function benchLedger(opts: {
  entries: NewEntry[];
  dir: string;
  log: (line: string) => void;
}): Promise<{ appendPerSec: number; verifyPerSec: number }> {
  const path = join(opts.dir, 'ledger-bench.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const store = new SqliteLedgerStore(path);
  try {
    const started = performance.now();
    for (let i = 0; i < opts.entries.length; i += BATCH) {
      const outcomes = await store.appendBatch(opts.entries.slice(i, i + BATCH));
      const notAppended = outcomes.find((o) => o.status !== 'appended');
      if (notAppended !== undefined)
        throw new Error(`bench input not unique: ${JSON.stringify(notAppended)}`);
    }
    const appendMs = performance.now() - started;
    const appendPerSec = rate(opts.entries.length, appendMs);
    opts.log(
      `ledger append: ${opts.entries.length} entries in ${(appendMs / 1000).toFixed(2)} s = ${appendPerSec} entries/s`,
    );

    const verifyStarted = performance.now();
    const result = await store.verify();
    const verifyMs = performance.now() - verifyStarted;
    if (!result.ok) throw new Error(`bench ledger does not verify: ${JSON.stringify(result)}`);
    const verifyPerSec = rate(result.entries, verifyMs);
    opts.log(
      `ledger verify: ${result.entries} entries in ${result.streams} streams in ${(verifyMs / 1000).toFixed(2)} s = ${verifyPerSec} entries/s`,
    );
    return { appendPerSec, verifyPerSec };
  } finally {
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }
}
