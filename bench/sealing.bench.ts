import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NewEntry } from '@app/contracts/entry-types';
import { SqliteLedgerStore, type LedgerStore } from '@app/ledger';
import { createProjector, storedSubjectsOf, subjectSealer } from '@app/pipeline';
import { openReadModel } from '@app/read-model';
import { SqliteSubjectKeyStore } from '@app/subject-keys';

const BATCH = 1000;

export interface SealingFigures {
  entries: number;
  withSubject: number;
  plainAppendPerSec: number;
  sealedAppendPerSec: number;
  plainRebuildPerSec: number;
  sealedRebuildPerSec: number;
}

function clean(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

async function append(store: LedgerStore, entries: NewEntry[], seal?: ReturnType<typeof subjectSealer>) {
  const now = new Date();
  const started = performance.now();
  for (let i = 0; i < entries.length; i += BATCH) {
    const batch = entries.slice(i, i + BATCH);
    await store.appendBatch(seal ? await seal(batch, now) : batch, now);
  }
  return (entries.length * 1000) / (performance.now() - started);
}

async function rebuild(ledger: LedgerStore, readModelFile: string): Promise<number> {
  clean(readModelFile);
  const readModel = await openReadModel(`sqlite:${readModelFile}`);
  try {
    const started = performance.now();
    const entries = await createProjector(ledger, readModel, 'rebuild').rebuild();
    return (entries * 1000) / (performance.now() - started);
  } finally {
    await readModel.close();
    clean(readModelFile);
  }
}

/**
 * The cost of sealing subject parts, as ratios to the same work without it in the same run:
 * appending the same entries (batches of 1000, durable SQLite) with and without ingest's
 * `sealBatch` per batch (get-or-create the pseudonyms, encrypt), and rebuilding a read model
 * from each ledger (the fold works on pseudonyms and needs no key: a rebuild reads one more
 * text column per subject part, nothing else). Measured first: the sealed ledger's rebuild
 * came out 1.15–1.27 × the plain one when it ran second and 1.00 when it ran first — warm-up,
 * not sealing — so the rebuilds are interleaved and each reports its best of two.
 */
export async function benchSealing(dir: string, entries: NewEntry[]): Promise<SealingFigures> {
  const plainFile = join(dir, 'plain-ledger.db');
  const sealedFile = join(dir, 'sealed-ledger.db');
  const keysFile = join(dir, 'seal-keys.db');
  [plainFile, sealedFile, keysFile].forEach(clean);
  const plain = new SqliteLedgerStore(plainFile);
  const sealed = new SqliteLedgerStore(sealedFile);
  const keys = new SqliteSubjectKeyStore(keysFile);
  try {
    const plainAppendPerSec = await append(plain, entries);
    // As ingest seals: with the look-up that keeps a redelivery's stored pseudonym.
    const sealedAppendPerSec = await append(sealed, entries, subjectSealer(keys, storedSubjectsOf(sealed)));
    // Interleaved, best of two each: the first rebuild of a run also pays the fold's warm-up.
    let plainRebuildPerSec = 0;
    let sealedRebuildPerSec = 0;
    for (let round = 0; round < 2; round++) {
      plainRebuildPerSec = Math.max(plainRebuildPerSec, await rebuild(plain, join(dir, 'plain-rm.db')));
      sealedRebuildPerSec = Math.max(sealedRebuildPerSec, await rebuild(sealed, join(dir, 'sealed-rm.db')));
    }
    return {
      entries: entries.length,
      withSubject: entries.filter((e) => e.subject !== null).length,
      plainAppendPerSec,
      sealedAppendPerSec,
      plainRebuildPerSec,
      sealedRebuildPerSec,
    };
  } finally {
    await plain.close();
    await sealed.close();
    await keys.close();
    [plainFile, sealedFile, keysFile].forEach(clean);
  }
}
