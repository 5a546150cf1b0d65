import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  decryptSubjectPart,
  encryptSubjectPart,
  newDataKey,
  newPseudonym,
  SqliteSubjectKeyStore,
} from '@app/subject-keys';

export interface SubjectKeysFigures {
  partBytes: number;
  sha256PerSec: number;
  cipherPerSec: number;
  storeRoundTripPerSec: number;
  pseudonymsPerSec: number;
  shredPerSec: number;
  sealBatchPerSec: number;
}

function perSec(count: number, work: () => void): number {
  const started = performance.now();
  work();
  return Math.round((count * 1000) / (performance.now() - started));
}

async function perSecAsync(count: number, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round((count * 1000) / (performance.now() - started));
}

/**
 * Subject part encryption against a baseline of sha256 over the same bytes (what the
 * ledger already does per entry), in the same run: the in-process AES-256-GCM seal+open,
 * the SQLite store's encrypt+decrypt (key looked up per call), batch get-or-create and
 * shred in batches of 100 (each ending in a WAL truncation).
 */
export async function benchSubjectKeys(dir: string, n: number): Promise<SubjectKeysFigures> {
  // A typical stored subject part: canonical {"salt","subjectId"} as the ledger writes it today.
  const part = JSON.stringify({
    salt: randomBytes(16).toString('hex'),
    subjectId: 'user-00012345@example.com',
  });
  const key = newDataKey();
  const pseudonym = newPseudonym();
  let sink = 0;
  const sha256PerSec = perSec(n, () => {
    for (let i = 0; i < n; i++) sink += createHash('sha256').update(part).digest().length;
  });
  const cipherPerSec = perSec(n, () => {
    for (let i = 0; i < n; i++) {
      sink += decryptSubjectPart(
        key,
        'acme',
        pseudonym,
        encryptSubjectPart(key, 'acme', pseudonym, part),
      ).length;
    }
  });

  const file = join(dir, 'subject-keys-bench.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  const store = new SqliteSubjectKeyStore(file);
  const subjects = Array.from({ length: Math.min(n, 20_000) }, (_, i) => ({
    tenantId: 'acme',
    subjectId: `user-${i}@example.com`,
  }));
  const pseudonyms: string[] = [];
  const pseudonymsPerSec = await perSecAsync(subjects.length, async () => {
    for (let i = 0; i < subjects.length; i += 1000) {
      pseudonyms.push(
        ...(await store.pseudonymsFor(subjects.slice(i, i + 1000), new Date())).map((g) => g.pseudonym),
      );
    }
  });
  const roundTrips = Math.min(n, 50_000);
  const storeRoundTripPerSec = await perSecAsync(roundTrips, async () => {
    for (let i = 0; i < roundTrips; i++) {
      const p = pseudonyms[i % pseudonyms.length] as string;
      sink += (await store.decrypt('acme', p, await store.encrypt('acme', p, part))).length;
    }
  });
  // What ingest would do: existing subjects, one sealBatch per 1000 entries.
  const sealBatchPerSec = await perSecAsync(roundTrips, async () => {
    for (let i = 0; i < roundTrips; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, roundTrips - i) }, (_, j) => ({
        ...(subjects[(i + j) % subjects.length] as { tenantId: string; subjectId: string }),
        plaintext: part,
      }));
      sink += (await store.sealBatch(batch, new Date())).length;
    }
  });
  const shredCount = Math.min(pseudonyms.length, 2000);
  const shredPerSec = await perSecAsync(shredCount, async () => {
    for (let i = 0; i < shredCount; i += 100)
      await store.shred('acme', pseudonyms.slice(i, i + 100), new Date());
  });
  await store.close();
  rmSync(file, { force: true });
  if (sink < 0) throw new Error('unreachable: keeps the loops from being optimised away');
  return {
    partBytes: Buffer.byteLength(part),
    sha256PerSec,
    cipherPerSec,
    storeRoundTripPerSec,
    pseudonymsPerSec,
    shredPerSec,
    sealBatchPerSec,
  };
}
