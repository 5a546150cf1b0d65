import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openLedger } from '@app/ledger';
import { lifecycleEntries } from '../test/support/ledger-facts';

export interface RebuildFigures {
  entries: number;
  scanPerSec: number;
  rebuildPerSec: number;
  rssEndMb: number;
  maxRssMb: number;
  obligations: number;
}

/**
 * Writes `n` lifecycle entries over `tenants` tenants into a SQLite ledger (in chunks,
 * so this process stays small), then rebuilds the read model in a child process.
 */
export async function benchRebuild(dir: string, n: number, tenants: number): Promise<RebuildFigures> {
  const ledgerPath = path.join(dir, 'rebuild-ledger.db');
  await writeBenchLedger(ledgerPath, n, tenants);
  const out = execFileSync(
    process.execPath,
    [path.join(__dirname, 'rebuild-child.js'), ledgerPath, path.join(dir, 'rebuild-read-model.db')],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as RebuildFigures;
}

/** `n` lifecycle entries over `tenants` tenants in a new SQLite ledger at `ledgerPath`. */
export async function writeBenchLedger(ledgerPath: string, n: number, tenants: number): Promise<void> {
  const ledger = await openLedger(`sqlite:${ledgerPath}`);
  const chunk = 50_000;
  for (let i = 0; i < n; i += chunk) {
    const entries = lifecycleEntries(Math.min(chunk, n - i), { tenants, seed: `r${i}` });
    // Same tenants in every chunk: rename so the chunks share the tenant population.
    for (const e of entries) {
      e.tenantId = e.tenantId.replace(/^tenant-r\d+-/, 'tenant-');
      const data = e.data as { dataId?: string };
      if (data.dataId) data.dataId = `c${i}-${data.dataId}`;
    }
    for (let j = 0; j < entries.length; j += 5000) await ledger.appendBatch(entries.slice(j, j + 5000));
  }
  await ledger.close();
}
