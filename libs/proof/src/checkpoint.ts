import { sign, verify, type KeyObject } from 'node:crypto';
import type { StreamHead } from '@app/ledger';
import { leafHash, rootOf } from './merkle';
import type { SigningKey } from './signing-key';

/**
 * A signed checkpoint (docs/bundle-format.md, "Checkpoint"): every stream head committed
 * to under one Merkle root, with the ledger size and the time, signed with Ed25519. The
 * signature covers a short text (the "note", as Certificate Transparency's checkpoints),
 * so any language can rebuild the signed bytes from the fields without a JSON canonicalizer.
 */
export const CHECKPOINT_FORMAT_VERSION = 1;
export const CHECKPOINT_NOTE_ORIGIN = 'retention-ledger checkpoint v1';

export interface SignedTreeHead {
  formatVersion: 1;
  /** Number of leaves: streams with at least one entry, the policy stream included. */
  treeSize: number;
  /** Entries in the ledger: the sum of the head positions. */
  ledgerSize: number;
  /** Merkle root (hex) over the heads in tenantId order. */
  rootHash: string;
  /** RFC 3339 UTC with milliseconds. */
  createdAt: string;
  /** sha256 hex of the signing key's SPKI DER. */
  keyId: string;
  /** Ed25519 signature (lowercase hex) over `checkpointNote(this)`. */
  signature: string;
}

/** What `checkpoint` writes and `ledger-checkpoints` carries: the signed head plus the heads it commits to. */
export interface Checkpoint extends SignedTreeHead {
  heads: StreamHead[];
}

/** The leaf data of a head: UTF-8 of `tenantId LF position LF hash` (tenant ids never hold LF). */
export function headLeaf(head: StreamHead): Buffer {
  return Buffer.from(`${head.tenantId}\n${head.position}\n${head.hash}`, 'utf8');
}

/** Heads in leaf order: by tenantId, as UTF-16 code units (byte order for the ASCII ids the ledger allows). */
export function sortHeads(heads: readonly StreamHead[]): StreamHead[] {
  return heads
    .filter((h) => h.position > 0)
    .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
}

export function headsRoot(sorted: readonly StreamHead[]): string {
  return rootOf(sorted.map((h) => leafHash(headLeaf(h)))).toString('hex');
}

/** The signed bytes: five lines, each ending in LF. */
export function checkpointNote(h: Omit<SignedTreeHead, 'signature' | 'keyId' | 'formatVersion'>): Buffer {
  return Buffer.from(
    `${CHECKPOINT_NOTE_ORIGIN}\n${h.treeSize}\n${h.ledgerSize}\n${h.rootHash}\n${h.createdAt}\n`,
    'utf8',
  );
}

export function signCheckpoint(heads: readonly StreamHead[], key: SigningKey, now: Date): Checkpoint {
  const sorted = sortHeads(heads);
  const body = {
    treeSize: sorted.length,
    ledgerSize: sorted.reduce((sum, h) => sum + h.position, 0),
    rootHash: headsRoot(sorted),
    createdAt: now.toISOString(),
  };
  const signature = sign(null, checkpointNote(body), key.privateKey).toString('hex');
  return {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    ...body,
    keyId: key.keyId,
    signature,
    heads: sorted.map((h) => ({ tenantId: h.tenantId, position: h.position, hash: h.hash })),
  };
}

/** The signed tree head of a checkpoint, without the heads (what a bundle carries). */
export function treeHeadOf(c: SignedTreeHead): SignedTreeHead {
  return {
    formatVersion: c.formatVersion,
    treeSize: c.treeSize,
    ledgerSize: c.ledgerSize,
    rootHash: c.rootHash,
    createdAt: c.createdAt,
    keyId: c.keyId,
    signature: c.signature,
  };
}

const HEX = /^[0-9a-f]+$/;

/** What is wrong with a signed tree head under `publicKey`, or undefined when it holds. */
export function treeHeadProblem(h: SignedTreeHead, publicKey: KeyObject, keyId: string): string | undefined {
  if (h.formatVersion !== CHECKPOINT_FORMAT_VERSION)
    return `unknown checkpoint formatVersion ${h.formatVersion}`;
  if (h.keyId !== keyId) return `signed by key ${h.keyId}, not by the given public key ${keyId}`;
  if (typeof h.signature !== 'string' || h.signature.length !== 128 || !HEX.test(h.signature)) {
    return 'signature is not 64 bytes of lowercase hex';
  }
  if (!Number.isSafeInteger(h.treeSize) || !Number.isSafeInteger(h.ledgerSize))
    return 'sizes are not integers';
  if (!verify(null, checkpointNote(h), publicKey, Buffer.from(h.signature, 'hex'))) {
    return 'signature does not verify';
  }
  return undefined;
}

/** Checks a full checkpoint: its signature, and that its heads give the signed root and sizes. */
export function checkpointProblem(c: Checkpoint, publicKey: KeyObject, keyId: string): string | undefined {
  const signed = treeHeadProblem(c, publicKey, keyId);
  if (signed !== undefined) return signed;
  if (!Array.isArray(c.heads)) return 'the checkpoint lists no heads';
  const sorted = sortHeads(c.heads);
  if (sorted.length !== c.heads.length || sorted.length !== c.treeSize) {
    return `lists ${c.heads.length} heads for a tree of ${c.treeSize}`;
  }
  if (
    sorted.some(
      (h, i) => h.tenantId !== c.heads[i].tenantId || (i > 0 && h.tenantId === sorted[i - 1].tenantId),
    )
  ) {
    return 'heads are not in tenantId order, or a tenant appears twice';
  }
  if (sorted.reduce((sum, h) => sum + h.position, 0) !== c.ledgerSize)
    return 'heads do not sum to the ledger size';
  if (headsRoot(sorted) !== c.rootHash) return 'heads do not give the signed root hash';
  return undefined;
}
