import { ChainVerifier, type ChainLink } from './hash-chain';
import type { StreamHead, VerifyResult } from './ledger-store';

/**
 * The verification shared by all adapters. An adapter supplies the stream
 * heads and the checked links of those streams (see `ChainLink`) — each
 * stream in position order, streams in any interleaving, in batches — taken
 * from one consistent snapshot where the store offers one.
 *
 * Links past a head (appended after the heads were read) and links of streams
 * without a head are ignored; a stream that ends before its head, or whose
 * entry at the head position differs from the head's hash, is broken — that
 * is how a deleted tail shows up.
 */
export async function verifyChains(
  heads: readonly StreamHead[],
  batches: AsyncIterable<readonly ChainLink[]> | Iterable<readonly ChainLink[]>,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyResult> {
  const expected = new Map<string, StreamHead>();
  let total = 0;
  for (const head of heads) {
    if (head.position <= 0) continue;
    expected.set(head.tenantId, head);
    total += head.position;
  }
  const verifiers = new Map<string, ChainVerifier>();
  let done = 0;
  onProgress?.(0, total);
  for await (const batch of batches) {
    for (const record of batch) {
      const head = expected.get(record.tenantId);
      if (head === undefined || record.streamPosition > head.position) continue;
      let verifier = verifiers.get(record.tenantId);
      if (verifier === undefined) {
        verifier = new ChainVerifier(record.tenantId);
        verifiers.set(record.tenantId, verifier);
      }
      const broken = verifier.push(record);
      if (broken !== null) return { ok: false, tenantId: record.tenantId, ...broken };
      done++;
    }
    onProgress?.(done, total);
  }
  for (const head of expected.values()) {
    const verifier = verifiers.get(head.tenantId);
    const verified = verifier?.position ?? 0;
    if (verified < head.position) {
      return {
        ok: false,
        tenantId: head.tenantId,
        position: verified + 1,
        reason: `position ${verified + 1} is missing (the stream head is at position ${head.position})`,
      };
    }
    if (verifier !== undefined && verifier.headHash !== head.hash) {
      return {
        ok: false,
        tenantId: head.tenantId,
        position: head.position,
        reason: 'hash differs from the one recorded in the stream head',
      };
    }
  }
  return { ok: true, entries: done, streams: expected.size };
}
