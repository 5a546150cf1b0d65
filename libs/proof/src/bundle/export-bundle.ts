import { createHash, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { POLICY_STREAM, type EntryType } from '@app/contracts';
import {
  canonicalEntry,
  UnknownTenantError,
  type ChainRecord,
  type LedgerStore,
  type StreamHead,
} from '@app/ledger';
import { subjectPartOf } from '@app/ledger/subject';
import {
  foldReport,
  renderHtml,
  TenantFold,
  tenantFold,
  type AuditReport,
  type FoldEntry,
} from '@app/reports';
import { checkpointProblem, headLeaf, sortHeads, treeHeadOf, type Checkpoint } from '../checkpoint';
import type { CheckpointStore } from '../checkpoint-store';
import { makeCheckpoint, verifyLedger, type CheckpointOutcome } from '../ledger-proof';
import { inclusionProof, leafHash } from '../merkle';
import type { SigningKey } from '../signing-key';
import { BUNDLE_FORMAT_VERSION, BUNDLE_KIND, FILES, type Manifest, type ProofFile } from './bundle-format';

export interface ExportOptions {
  tenantId: string;
  /** Report as the ledger stood then; default: now. */
  asOf?: Date;
  now: Date;
  outDir: string;
}

export type ExportOutcome =
  | { ok: true; manifest: Manifest; checkpoint: Checkpoint; madeCheckpoint: boolean }
  | Extract<CheckpointOutcome, { ok: false }>;

async function records(ledger: LedgerStore, tenantId: string, upTo: number): Promise<ChainRecord[]> {
  const out: ChainRecord[] = [];
  for await (const r of ledger.readChainRecords(tenantId)) {
    if (r.streamPosition > upTo) break;
    out.push(r);
  }
  return out;
}

function foldOf(r: ChainRecord): FoldEntry {
  return {
    eventId: r.eventId,
    tenantId: r.tenantId,
    type: r.type as EntryType,
    occurredAt: r.occurredAt,
    data: JSON.parse(r.dataJson),
    subject: r.subjectJson === null ? null : subjectPartOf(r.subjectJson),
    recordedAt: r.recordedAt,
    streamPosition: r.streamPosition,
    hash: r.hash,
  };
}

/** The report of a bundle: the tenant fold over exactly the bundle's entries (what verify-bundle redoes). */
export function bundleReport(
  tenantId: string,
  policy: Iterable<FoldEntry>,
  entries: Iterable<FoldEntry>,
  asOf: Date,
): AuditReport {
  const fold = new TenantFold(tenantId, asOf);
  for (const p of policy) fold.policy(p);
  for (const e of entries) if (!fold.entry(e)) break;
  return foldReport(fold, asOf);
}

/** The latest checkpoint if it covers what the report needs, else a new one (verified, signed, stored). */
async function coveringCheckpoint(
  ledger: LedgerStore,
  store: CheckpointStore,
  key: SigningKey,
  needed: { tenantId: string; position: number }[],
  now: Date,
): Promise<{ outcome: CheckpointOutcome; made: boolean }> {
  const latest = await store.latest();
  if (latest !== undefined && checkpointProblem(latest, key.publicKey, key.keyId) === undefined) {
    const covers = needed.every(
      (n) =>
        n.position === 0 ||
        (latest.heads.find((h) => h.tenantId === n.tenantId)?.position ?? 0) >= n.position,
    );
    if (covers) {
      // The streams must still extend it (both are exported up to its heads), or the bundle would not verify.
      const checked = await verifyLedger(ledger, {
        tenantId: needed[0].tenantId,
        checkpoint: { checkpoint: latest, publicKey: key.publicKey, keyId: key.keyId },
      });
      return { outcome: checked.ok ? { ok: true, checkpoint: latest } : checked, made: false };
    }
  }
  const outcome = await makeCheckpoint(ledger, key, now, latest);
  if (outcome.ok) await store.add(outcome.checkpoint);
  return { outcome, made: true };
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * `export`: a self-contained evidence bundle of one tenant (docs/bundle-format.md): its
 * entries and the policy stream's exactly as hashed, the subject parts, the report (json
 * and html) with the position and head hash it was built from, a checkpoint covering both
 * streams with their Merkle inclusion proofs, the public key; a manifest of every file's
 * SHA-256, signed.
 */
export async function exportBundle(
  ledger: LedgerStore,
  store: CheckpointStore,
  key: SigningKey,
  opts: ExportOptions,
): Promise<ExportOutcome> {
  const { tenantId } = opts;
  // What the report will read: everything now, or what was recorded by --as-of.
  const asOf = opts.asOf ?? opts.now;
  const needed = await neededHeads(ledger, tenantId, opts.asOf);
  const { outcome, made } = await coveringCheckpoint(ledger, store, key, needed, opts.now);
  if (!outcome.ok) return outcome;
  const checkpoint = outcome.checkpoint;
  const sorted = sortHeads(checkpoint.heads);
  const cpHead = (t: string) => sorted.find((h) => h.tenantId === t);
  const tenantRecords = await records(ledger, tenantId, cpHead(tenantId)?.position ?? 0);
  const policyRecords = await records(ledger, POLICY_STREAM, cpHead(POLICY_STREAM)?.position ?? 0);
  const report = bundleReport(tenantId, policyRecords.map(foldOf), tenantRecords.map(foldOf), asOf);
  const line = (r: ChainRecord) => canonicalEntry(r) + '\n';
  const contents: Array<[string, string]> = [
    [FILES.publicKey, key.publicKeyPem],
    [FILES.checkpoint, JSON.stringify(treeHeadOf(checkpoint), null, 2) + '\n'],
    [FILES.proof, JSON.stringify(proofFile(checkpoint, sorted, tenantId), null, 2) + '\n'],
    [FILES.tenantEntries, tenantRecords.map(line).join('')],
    [FILES.policyEntries, policyRecords.map(line).join('')],
    [FILES.subjects, subjectsFile(tenantRecords)],
    [FILES.reportJson, JSON.stringify(report, null, 2) + '\n'],
    [FILES.reportHtml, renderHtml(report, { generatedAt: opts.now })],
  ];
  fs.mkdirSync(path.join(opts.outDir, 'entries'), { recursive: true });
  for (const [file, text] of contents) fs.writeFileSync(path.join(opts.outDir, file), text);
  const basis = report.ledger ?? { position: 0, headHash: '', policyPosition: 0, policyHeadHash: '' };
  const manifest: Manifest = {
    formatVersion: BUNDLE_FORMAT_VERSION,
    kind: BUNDLE_KIND,
    tenantId,
    createdAt: opts.now.toISOString(),
    asOf: opts.asOf?.toISOString() ?? null,
    report: basis,
    streams: [
      { tenantId, file: FILES.tenantEntries, entries: tenantRecords.length },
      { tenantId: POLICY_STREAM, file: FILES.policyEntries, entries: policyRecords.length },
    ],
    files: contents.map(([file, text]) => ({
      path: file,
      sha256: sha256Hex(text),
      bytes: Buffer.byteLength(text),
    })),
  };
  writeSignedManifest(opts.outDir, manifest, key);
  return { ok: true, manifest, checkpoint, madeCheckpoint: made };
}

/** The heads a checkpoint must cover: the tenant's and the policy stream's, now or as recorded by `asOf`. */
async function neededHeads(
  ledger: LedgerStore,
  tenantId: string,
  asOf: Date | undefined,
): Promise<ExpectedPosition[]> {
  const heads = await ledger.streamHeads();
  const headOf = (t: string): StreamHead | undefined => heads.find((h) => h.tenantId === t);
  if (headOf(tenantId) === undefined) throw new UnknownTenantError(tenantId);
  if (asOf === undefined) {
    return [
      { tenantId, position: headOf(tenantId)?.position ?? 0 },
      { tenantId: POLICY_STREAM, position: headOf(POLICY_STREAM)?.position ?? 0 },
    ];
  }
  const probe = (await tenantFold(ledger, tenantId, asOf)).result().basis;
  return [
    { tenantId, position: probe.position },
    { tenantId: POLICY_STREAM, position: probe.policyPosition },
  ];
}

type ExpectedPosition = { tenantId: string; position: number };

/** Inclusion proofs of the tenant's and the policy stream's heads in the checkpoint's tree. */
function proofFile(checkpoint: Checkpoint, sorted: readonly StreamHead[], tenantId: string): ProofFile {
  const leaves = sorted.map((h) => leafHash(headLeaf(h)));
  return {
    formatVersion: 1,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash,
    proofs: [tenantId, POLICY_STREAM].flatMap((t) => {
      const index = sorted.findIndex((h) => h.tenantId === t);
      if (index < 0) return [];
      const h = sorted[index];
      return [
        {
          tenantId: t,
          position: h.position,
          hash: h.hash,
          leafIndex: index,
          path: inclusionProof(index, leaves).map((b) => b.toString('hex')),
        },
      ];
    }),
  };
}

/** The entries' sealed subject parts, one JSON line each, by stream position. */
function subjectsFile(tenantRecords: readonly ChainRecord[]): string {
  return tenantRecords
    .filter((r) => r.subjectJson !== null)
    .map((r) => JSON.stringify({ streamPosition: r.streamPosition, subjectJson: r.subjectJson }) + '\n')
    .join('');
}

function writeSignedManifest(outDir: string, manifest: Manifest, key: SigningKey): void {
  const manifestText = JSON.stringify(manifest, null, 2) + '\n';
  fs.writeFileSync(path.join(outDir, FILES.manifest), manifestText);
  fs.writeFileSync(
    path.join(outDir, FILES.manifestSignature),
    sign(null, Buffer.from(manifestText), key.privateKey).toString('hex') + '\n',
  );
}
