import { createHash, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { canonicalJson } from '@app/contracts/canonical-json';
import type { SubjectPart } from '@app/contracts/entry-types';
import { subjectPartOf } from '@app/ledger/subject';
import { headLeaf, treeHeadProblem } from '../checkpoint';
import { leafHash, rootFromInclusionProof } from '../merkle';
import { keyIdOf, parsePublicKey } from '../signing-key';
import { bundleReport } from './export-bundle';
import {
  BUNDLE_FORMAT_VERSION,
  FILES,
  foldEntryOf,
  type BundleCheckpoint,
  type EnvelopeLine,
  type Manifest,
  type ProofFile,
  type SubjectLine,
} from './bundle-format';

export type BundleVerdict =
  | {
      ok: true;
      tenantId: string;
      entries: number;
      position: number;
      headHash: string;
      checkpoint: BundleCheckpoint;
    }
  | { ok: false; problem: string };

class BundleProblem extends Error {}

const GENESIS = '0'.repeat(64);
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function fail(problem: string): never {
  throw new BundleProblem(problem);
}

function json<T>(bytes: Buffer, file: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return fail(`${file} is not JSON`);
  }
}

/**
 * `verify-bundle`: checks an evidence bundle offline, in the order docs/bundle-format.md
 * gives ("Verifying a bundle"), and names the first thing that does not hold. Beyond
 * what an independent verifier does, it also refolds the report from the entries with
 * the system's own fold and requires report.json to be exactly that.
 */
export function verifyBundle(dir: string): BundleVerdict {
  try {
    return check(dir);
  } catch (err) {
    if (err instanceof BundleProblem) return { ok: false, problem: err.message };
    // A value of the wrong kind somewhere in a (re-signed) bundle: still a bundle that does not hold.
    return { ok: false, problem: `malformed bundle: ${(err as Error).message}` };
  }
}

type Chain = { lines: EnvelopeLine[]; hashes: string[] };
type Read = (file: string) => Buffer;

function check(dir: string): BundleVerdict {
  const read: Read = (file) => {
    try {
      return fs.readFileSync(path.join(dir, file));
    } catch {
      return fail(`${file} is missing`);
    }
  };
  const { manifest, publicKey, keyId, publicKeyPem } = signedManifest(read);
  checkListedFiles(manifest, publicKeyPem, read);
  // 3. The checkpoint: signed by the key.
  const checkpoint = json<BundleCheckpoint>(read(FILES.checkpoint), FILES.checkpoint);
  const signed = treeHeadProblem(checkpoint, publicKey, keyId);
  if (signed !== undefined) fail(`${FILES.checkpoint}: ${signed}`);
  const proofs = json<ProofFile>(read(FILES.proof), FILES.proof);
  const chains = new Map<string, Chain>();
  for (const stream of manifest.streams) {
    const chain = streamChain(stream, new Set(manifest.files.map((f) => f.path)), read);
    if (stream.entries > 0) checkHeadProof(stream, chain, proofs, checkpoint);
    chains.set(stream.tenantId, chain);
  }
  const tenant =
    chains.get(manifest.tenantId) ?? fail(`${FILES.manifest} has no stream for tenant ${manifest.tenantId}`);
  const policy = chains.get('$policy') ?? { lines: [], hashes: [] };
  const subjects = subjectParts(tenant, read);
  const basis = checkReport(manifest, tenant, policy, subjects, read);
  return {
    ok: true,
    tenantId: manifest.tenantId,
    entries: tenant.lines.length,
    position: basis.position,
    headHash: basis.headHash,
    checkpoint,
  };
}

/** 1. The key, and the manifest signed with it. */
function signedManifest(read: Read) {
  const publicKeyPem = read(FILES.publicKey);
  let publicKey;
  try {
    publicKey = parsePublicKey(publicKeyPem.toString('utf8'), FILES.publicKey);
  } catch (err) {
    return fail((err as Error).message);
  }
  const manifestBytes = read(FILES.manifest);
  const signature = read(FILES.manifestSignature).toString('utf8').replace(/\n$/, '');
  if (!/^[0-9a-f]{128}$/.test(signature)) fail(`${FILES.manifestSignature} is not 64 bytes of lowercase hex`);
  if (!verify(null, manifestBytes, publicKey, Buffer.from(signature, 'hex'))) {
    fail(`${FILES.manifestSignature}: the manifest signature does not verify`);
  }
  const manifest = json<Manifest>(manifestBytes, FILES.manifest);
  if (manifest.formatVersion !== BUNDLE_FORMAT_VERSION)
    fail(`unknown bundle formatVersion ${manifest.formatVersion}`);
  return { manifest, publicKey, keyId: keyIdOf(publicKey), publicKeyPem };
}

/** 2. Every file as listed. */
function checkListedFiles(manifest: Manifest, publicKeyPem: Buffer, read: Read): void {
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const required of [
    FILES.publicKey,
    FILES.checkpoint,
    FILES.proof,
    FILES.subjects,
    FILES.reportJson,
    FILES.reportHtml,
  ]) {
    if (!listed.has(required)) fail(`${FILES.manifest} does not list ${required}`);
  }
  for (const f of manifest.files) {
    if (f.path.includes('..') || path.isAbsolute(f.path))
      fail(`${FILES.manifest} lists a path outside the bundle: ${f.path}`);
    const bytes = read(f.path);
    if (sha256Hex(bytes) !== f.sha256 || bytes.length !== f.bytes)
      fail(`${f.path} differs from its SHA-256 in the manifest`);
  }
  if (sha256Hex(publicKeyPem) !== listed.get(FILES.publicKey)?.sha256)
    fail(`${FILES.publicKey} is not the listed key`);
}

/** 4. Each stream: the chain recomputed from the lines as stored. */
function streamChain(stream: Manifest['streams'][number], listed: Set<string>, read: Read): Chain {
  if (!listed.has(stream.file)) fail(`${FILES.manifest} does not list ${stream.file}`);
  const text = read(stream.file).toString('utf8');
  const rawLines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  if (rawLines.length !== stream.entries)
    fail(`${stream.file} has ${rawLines.length} entries, the manifest says ${stream.entries}`);
  let prev = GENESIS;
  const lines: EnvelopeLine[] = [];
  const hashes: string[] = [];
  rawLines.forEach((raw, i) => {
    const where = `${stream.file} line ${i + 1} (tenant ${stream.tenantId} position ${i + 1})`;
    let e: EnvelopeLine;
    try {
      e = JSON.parse(raw) as EnvelopeLine;
    } catch {
      return fail(`${where} is not JSON`);
    }
    if (canonicalJson(e) !== raw) fail(`${where} is not in canonical form (RFC 8785)`);
    if (e.tenantId !== stream.tenantId || e.streamPosition !== i + 1)
      fail(`${where} is the entry of ${e.tenantId} position ${e.streamPosition}`);
    if (e.prevHash !== prev) fail(`${where}: prevHash does not link to the previous entry`);
    prev = sha256Hex(prev + raw);
    lines.push(e);
    hashes.push(prev);
  });
  return { lines, hashes };
}

/** 5. A stream's last entry is a head the checkpoint commits to. */
function checkHeadProof(
  stream: Manifest['streams'][number],
  chain: Chain,
  proofs: ProofFile,
  checkpoint: BundleCheckpoint,
): void {
  const p = proofs.proofs.find((x) => x.tenantId === stream.tenantId);
  if (p === undefined) fail(`${FILES.proof} has no proof for ${stream.tenantId}`);
  if (p.position !== stream.entries || p.hash !== chain.hashes.at(-1)) {
    fail(
      `${FILES.proof}: the head of ${stream.tenantId} (position ${p.position}) is not the last entry of ${stream.file}`,
    );
  }
  const root = rootFromInclusionProof(
    p.leafIndex,
    checkpoint.treeSize,
    leafHash(headLeaf({ tenantId: p.tenantId, position: p.position, hash: p.hash })),
    p.path.map((h) => Buffer.from(h, 'hex')),
  );
  if (root === undefined || root.toString('hex') !== checkpoint.rootHash) {
    fail(`${FILES.proof}: the inclusion proof of ${stream.tenantId} does not lead to the checkpoint's root`);
  }
}

/** 6. Subject parts: each hashes to its entry's digest. Returns the part by stream position. */
function subjectParts(tenant: Chain, read: Read): Map<number, SubjectPart> {
  const subjects = new Map<number, SubjectPart>();
  const subjectText = read(FILES.subjects).toString('utf8');
  for (const raw of subjectText === '' ? [] : subjectText.replace(/\n$/, '').split('\n')) {
    const s = JSON.parse(raw) as SubjectLine;
    const entry = tenant.lines[s.streamPosition - 1];
    if (entry === undefined || entry.subjectDigest !== sha256Hex(s.subjectJson)) {
      fail(
        `${FILES.subjects}: the subject part of position ${s.streamPosition} does not match its entry's subjectDigest`,
      );
    }
    subjects.set(s.streamPosition, subjectPartOf(s.subjectJson));
  }
  return subjects;
}

/** 7. The report: built from these entries, at the position and head hash it states. */
function checkReport(
  manifest: Manifest,
  tenant: Chain,
  policy: Chain,
  subjects: Map<number, SubjectPart>,
  read: Read,
): NonNullable<Manifest['report']> {
  const report = json<{ tenantId: string; asOf: string; ledger?: Manifest['report'] }>(
    read(FILES.reportJson),
    FILES.reportJson,
  );
  const basis =
    report.ledger ?? fail(`${FILES.reportJson} does not state the ledger position it was built from`);
  if (report.tenantId !== manifest.tenantId || !isDeepStrictEqual(basis, manifest.report)) {
    fail(`${FILES.reportJson} is not the report the manifest names`);
  }
  const at = (chain: Chain, position: number) => (position === 0 ? GENESIS : chain.hashes[position - 1]);
  if (at(tenant, basis.position) !== basis.headHash)
    fail(
      `${FILES.reportJson}: no entry of the bundle has position ${basis.position} and head hash ${basis.headHash}`,
    );
  if (at(policy, basis.policyPosition) !== basis.policyHeadHash)
    fail(`${FILES.reportJson}: the policy position it names is not in the bundle`);
  const refolded = bundleReport(
    manifest.tenantId,
    policy.lines.map((e, i) => foldEntryOf(e, policy.hashes[i], undefined)),
    tenant.lines.map((e, i) => foldEntryOf(e, tenant.hashes[i], subjects.get(e.streamPosition))),
    new Date(report.asOf),
  );
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(refolded)), report)) {
    fail(`${FILES.reportJson} is not what the entries give (refolded with the ledger's own fold)`);
  }
  return basis;
}
