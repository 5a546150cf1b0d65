import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openLedger } from '@app/ledger';
import {
  exportBundle,
  loadOrCreateSigningKey,
  makeCheckpoint,
  openCheckpointStore,
  signCheckpoint,
  verifyBundle,
} from '@app/proof';
import { DEFAULT_POLICY } from '@app/retention';
import { activatePolicy } from '../apps/cli/src/policy';
import { writeBenchLedger } from './projection.bench';

export interface ProofFigures {
  entries: number;
  streams: number;
  /** Baseline: `verify` of the same ledger, entries/s. */
  verifyPerSec: number;
  checkpointMs: number;
  /** Of which: heads, Merkle tree and signature (the rest is the verify a checkpoint starts with). */
  signOnlyMs: number;
  bundleEntries: number;
  /** Baseline: `verify --tenant` of the bundle's tenant in the ledger, ms. */
  tenantVerifyMs: number;
  verifyBundleMs: number;
  javaVerifyBundleMs: number | undefined;
}

const ms = (t0: number) => performance.now() - t0;

/**
 * Checkpointing cost: a checkpoint of `streams` streams / `entries` entries (a full verify,
 * then heads, tree and signature), against a plain verify of the same ledger; and
 * verify-bundle of one tenant with `bundleEntries` entries, against verifying that tenant
 * in the ledger itself.
 */
export async function benchProof(
  dir: string,
  entries: number,
  streams: number,
  bundleEntries: number,
): Promise<ProofFigures> {
  const ledgerPath = path.join(dir, 'proof-ledger.db');
  await writeBenchLedger(ledgerPath, entries, streams);
  const url = `sqlite:${ledgerPath}`;
  const ledger = await openLedger(url);
  try {
    await activatePolicy(ledger, DEFAULT_POLICY, new Date());
    // One large tenant for the bundle.
    const big = Array.from({ length: bundleEntries }, (_, i) => ({
      eventId: `big-${i}`,
      tenantId: 'tenant-big',
      type: 'DataCreated' as const,
      occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      data: { dataId: `big-${i}`, category: i % 3 ? 'personal' : 'audit-log', region: 'eu', store: 'crm' },
      subject: { subjectId: `user-${i % 500}` },
      source: { topic: 'data-created', partition: 0, offset: String(i) },
    }));
    for (let i = 0; i < big.length; i += 5000) await ledger.appendBatch(big.slice(i, i + 5000));

    const key = loadOrCreateSigningKey(path.join(dir, 'bench-key.pem'));
    let t0 = performance.now();
    const verified = await ledger.verify();
    const verifyMs = ms(t0);
    if (!verified.ok) throw new Error(`bench ledger does not verify: ${JSON.stringify(verified)}`);

    t0 = performance.now();
    const made = await makeCheckpoint(ledger, key, new Date());
    const checkpointMs = ms(t0);
    if (!made.ok) throw new Error('bench checkpoint failed');
    const heads = await ledger.streamHeads();
    t0 = performance.now();
    signCheckpoint(heads, key, new Date());
    const signOnlyMs = ms(t0);

    const store = await openCheckpointStore(url);
    await store.add(made.checkpoint);
    const out = path.join(dir, 'bench-bundle');
    const exported = await exportBundle(ledger, store, key, {
      tenantId: 'tenant-big',
      now: new Date(),
      outDir: out,
    });
    await store.close();
    if (!exported.ok) throw new Error('bench export failed');

    t0 = performance.now();
    const tenantVerified = await ledger.verify({ tenantId: 'tenant-big' });
    const tenantVerifyMs = ms(t0);
    if (!tenantVerified.ok) throw new Error('bench tenant does not verify');
    t0 = performance.now();
    const verdict = verifyBundle(out);
    const verifyBundleMs = ms(t0);
    if (!verdict.ok) throw new Error(`bench bundle does not verify: ${verdict.problem}`);
    let javaVerifyBundleMs: number | undefined;
    const java = path.join(__dirname, '..', '..', 'tools', 'verify-bundle', 'VerifyBundle.java');
    try {
      t0 = performance.now();
      execFileSync('java', [java, out], { stdio: 'ignore' });
      javaVerifyBundleMs = ms(t0);
    } catch {
      javaVerifyBundleMs = undefined;
    }
    fs.rmSync(out, { recursive: true, force: true });
    return {
      entries: verified.entries,
      streams: verified.streams,
      verifyPerSec: verified.entries / (verifyMs / 1000),
      checkpointMs,
      signOnlyMs,
      bundleEntries,
      tenantVerifyMs,
      verifyBundleMs,
      javaVerifyBundleMs,
    };
  } finally {
    await ledger.close();
  }
}
