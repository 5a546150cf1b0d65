import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import type { NewEntry } from '@app/contracts';
import { openLedger, type LedgerStore } from '@app/ledger';
import { lifecycleEntries } from '../test/support/ledger-facts';
import { BENCH_PG_URL } from './ingest.bench';

export interface RebuildFigures {
  entries: number;
  scanPerSec: number;
  rebuildPerSec: number;
  rssEndMb: number;
  maxRssMb: number;
  obligations: number;
}

/** One part of `rebuild-child` in a process of its own; its JSON line. */
function child(args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'rebuild-child.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

/**
 * A raw scan of `ledgerUrl` (the baseline), then a rebuild of `readModelUrl` from it, each
 * in a child process: the rebuild's RSS is its own, without the scan's heap.
 */
function rebuildInChild(ledgerUrl: string, readModelUrl: string): RebuildFigures {
  const { scanPerSec } = child(['scan', ledgerUrl]);
  const r = child(['rebuild', ledgerUrl, readModelUrl]);
  return {
    entries: r.entries,
    scanPerSec,
    rebuildPerSec: r.rebuildPerSec,
    rssEndMb: r.rssEndMb,
    maxRssMb: r.maxRssMb,
    obligations: r.obligations,
  };
}

/**
 * Writes `n` lifecycle entries over `tenants` tenants into a SQLite ledger (in chunks,
 * so this process stays small), then rebuilds the read model in a child process.
 */
export async function benchRebuild(dir: string, n: number, tenants: number): Promise<RebuildFigures> {
  const ledgerPath = path.join(dir, 'rebuild-ledger.db');
  await writeBenchLedger(ledgerPath, n, tenants);
  return rebuildInChild(`sqlite:${ledgerPath}`, `sqlite:${path.join(dir, 'rebuild-read-model.db')}`);
}

/** The same on PostgreSQL: ledger and read model in schemas of their own, dropped after. */
export async function benchRebuildPg(n: number, tenants: number): Promise<RebuildFigures> {
  const id = Date.now().toString(36);
  const [ledgerSchema, readModelSchema] = [`bench_rebuild_${id}_ledger`, `bench_rebuild_${id}_rm`];
  const admin = new Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  try {
    const ledgerUrl = `${BENCH_PG_URL}?schema=${ledgerSchema}`;
    await writeBenchLedger(ledgerUrl, n, tenants);
    return rebuildInChild(ledgerUrl, `${BENCH_PG_URL}?schema=${readModelSchema}`);
  } finally {
    for (const s of [ledgerSchema, readModelSchema]) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  }
}

/**
 * `n` lifecycle entries over `tenants` tenants in a new ledger at `ledger` (a SQLite path
 * or a ledger URL). On PostgreSQL two writers append at once, each with half the tenants
 * (appends to different streams run in parallel there), to keep the set-up short.
 */
export async function writeBenchLedger(ledger: string, n: number, tenants: number): Promise<void> {
  const url = /^(sqlite:|postgres)/.test(ledger) ? ledger : `sqlite:${ledger}`;
  const writers = url.startsWith('sqlite:') ? 1 : 2;
  const stores: LedgerStore[] = [];
  for (let w = 0; w < writers; w++) stores.push(await openLedger(url));
  const chunk = 50_000;
  for (let i = 0; i < n; i += chunk) {
    const entries = lifecycleEntries(Math.min(chunk, n - i), { tenants, seed: `r${i}` });
    const parts: NewEntry[][] = stores.map(() => []);
    // Same tenants in every chunk: rename so the chunks share the tenant population.
    for (const e of entries) {
      e.tenantId = e.tenantId.replace(/^tenant-r\d+-/, 'tenant-');
      const data = e.data as { dataId?: string };
      if (data.dataId) data.dataId = `c${i}-${data.dataId}`;
      parts[writers === 1 ? 0 : Number(/(\d+)$/.exec(e.tenantId)?.[1] ?? 0) % writers].push(e);
    }
    await Promise.all(
      parts.map(async (part, w) => {
        for (let j = 0; j < part.length; j += 5000) await stores[w].appendBatch(part.slice(j, j + 5000));
      }),
    );
  }
  for (const s of stores) await s.close();
}
