import { canonicalEntry, type HashedFields } from './canonical';
import type { ChainRecord } from './chain-record';
import { sha256Hex } from './sha256';

/** prevHash of every stream's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** `sha256_hex(prevHash ‖ canonical(entry))` (DESIGN.md, semantics 2). */
export function entryHash(fields: HashedFields): string {
  return sha256Hex(fields.prevHash + canonicalEntry(fields));
}

/**
 * One stored entry as the chain verifier sees it: its place in the stream, its
 * links, and the verdicts of the two hashes computed from its stored content.
 * Computing the verdicts is the expensive, per-entry part, so it is done where
 * the data is (`toChainLink` in JS, or a SQLite worker, see sqlite-links.ts);
 * the chain logic below stays one piece of code for every adapter.
 */
export interface ChainLink {
  tenantId: string;
  streamPosition: number;
  prevHash: string;
  hash: string;
  /** sha256(prevHash ‖ canonical(stored entry)) equals the stored hash. */
  hashMatches: boolean;
  /** The stored subject part hashes to the stored digest; null when there is no plaintext subject (none, or shredded). */
  subjectMatches: boolean | null;
}

export function toChainLink(record: ChainRecord): ChainLink {
  return {
    tenantId: record.tenantId,
    streamPosition: record.streamPosition,
    prevHash: record.prevHash,
    hash: record.hash,
    hashMatches: entryHash(record) === record.hash,
    subjectMatches:
      record.subjectJson === null ? null : sha256Hex(record.subjectJson) === record.subjectDigest,
  };
}

/** Where and why a stream's chain breaks. */
export interface ChainBreak {
  position: number;
  reason: string;
}

/**
 * Checks one tenant stream, fed its entries in stream order, and names the
 * first position that does not hold. Streaming, so a stream of any length is
 * checked in constant memory.
 */
export class ChainVerifier {
  private nextPosition = 1;
  private lastHash = GENESIS_HASH;

  constructor(readonly tenantId: string) {}

  /** Positions verified so far. */
  get position(): number {
    return this.nextPosition - 1;
  }

  /** Hash of the last verified position (GENESIS_HASH before the first). */
  get headHash(): string {
    return this.lastHash;
  }

  /** Checks the next entry; null when it extends the chain, the break otherwise (the verifier stops advancing). */
  push(link: ChainLink): ChainBreak | null {
    const expected = this.nextPosition;
    if (link.tenantId !== this.tenantId) {
      return {
        position: expected,
        reason: `entry of stream "${link.tenantId}" found in stream "${this.tenantId}"`,
      };
    }
    if (link.streamPosition !== expected) {
      return {
        position: expected,
        reason:
          link.streamPosition > expected
            ? `position ${expected} is missing (next stored position is ${link.streamPosition})`
            : `position ${link.streamPosition} appears again after position ${expected - 1}`,
      };
    }
    if (link.prevHash !== this.lastHash) {
      return {
        position: expected,
        reason:
          expected === 1
            ? 'prevHash of the first entry is not the genesis hash'
            : `prevHash does not link to the hash of position ${expected - 1}`,
      };
    }
    if (link.subjectMatches === false) {
      return { position: expected, reason: 'subject digest does not match the stored subject' };
    }
    if (!link.hashMatches) {
      return { position: expected, reason: 'hash does not match the entry content' };
    }
    this.nextPosition = expected + 1;
    this.lastHash = link.hash;
    return null;
  }
}
