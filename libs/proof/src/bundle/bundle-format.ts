import type { EntryDataByType, EntryType, SubjectPart } from '@app/contracts';
import type { HashedEnvelope } from '@app/ledger';
import type { FoldEntry } from '@app/reports';
import type { SignedTreeHead } from '../checkpoint';

/**
 * Evidence bundle, format version 1 (docs/bundle-format.md is the normative text).
 * A directory of plain files; everything a verifier checks is hashed as stored, so it
 * needs SHA-256, Ed25519 and a JSON parser — no canonicalizer.
 */
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_KIND = 'retention-ledger evidence bundle';

export const FILES = {
  manifest: 'manifest.json',
  manifestSignature: 'manifest.sig',
  publicKey: 'public-key.pem',
  checkpoint: 'checkpoint.json',
  proof: 'proof.json',
  tenantEntries: 'entries/tenant.jsonl',
  policyEntries: 'entries/policy.jsonl',
  subjects: 'subjects.jsonl',
  reportJson: 'report.json',
  reportHtml: 'report.html',
} as const;

export interface BundleStream {
  tenantId: string;
  file: string;
  /** Lines in `file`: positions 1..entries of the stream. */
  entries: number;
}

export interface Manifest {
  formatVersion: 1;
  kind: typeof BUNDLE_KIND;
  tenantId: string;
  createdAt: string;
  /** The --as-of time of the report, or null (as of `report.asOf`, the export time). */
  asOf: string | null;
  /** The ledger state the report was built from (equal to report.json's `ledger`). */
  report: { position: number; headHash: string; policyPosition: number; policyHeadHash: string };
  streams: BundleStream[];
  /** Every other file of the bundle with its SHA-256 (hex) and size. */
  files: Array<{ path: string; sha256: string; bytes: number }>;
}

/** One inclusion proof per stream of the bundle, against the bundle's checkpoint. */
export interface ProofFile {
  formatVersion: 1;
  treeSize: number;
  rootHash: string;
  proofs: Array<{ tenantId: string; position: number; hash: string; leafIndex: number; path: string[] }>;
}

export type BundleCheckpoint = SignedTreeHead;

/** A subjects.jsonl line: the stored subject part of one tenant entry (outside the hash, bound by its digest). */
export interface SubjectLine {
  streamPosition: number;
  /** The stored text (`{"salt":…,"subjectId":…}` or `{"ciphertext":…,"pseudonym":…}`) exactly; its SHA-256 is the entry's subjectDigest. */
  subjectJson: string;
}

/** The hashed envelope of an entry line, as parsed. */
export type EnvelopeLine = HashedEnvelope;

/** What the report fold reads of an entry line (and its subject line, if any). */
export function foldEntryOf(e: EnvelopeLine, hash: string, subject: SubjectPart | undefined): FoldEntry {
  return {
    eventId: e.eventId,
    tenantId: e.tenantId,
    type: e.type as EntryType,
    occurredAt: e.occurredAt,
    data: e.data as EntryDataByType[EntryType],
    subject: subject ?? null,
    recordedAt: e.recordedAt,
    streamPosition: e.streamPosition,
    hash,
  };
}
