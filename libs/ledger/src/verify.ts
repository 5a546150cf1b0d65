import { ChainVerifier, type ChainLink } from './hash-chain';
import type { ExpectedHead, StreamHead, VerifyOptions, VerifyResult } from './ledger-store';
import { UnknownTenantError } from './ledger-errors';

/**
 * The verification shared by all adapters. An adapter supplies the stream
 * heads and the checked links of those streams (see `ChainLink`) — each
 * stream in position order, streams in any interleaving, in batches — taken
 * from one consistent snapshot where the store offers one, and covering every
 * row any reader could return (readers are bounded by the heads).
 *
 * In that snapshot a row past its stream's head, or of a stream with no head,
 * was not written by an append (an append moves the head in the same
 * transaction): it is a break, named by its tenant and position. A stream that
 * ends before its head, or whose entry at the head position differs from the
 * head's hash, is broken too — that is how a deleted tail shows up. With
 * `expected` (a checkpoint's heads), each listed position must still be there
 * with the same hash: that catches what is consistent inside the store, a cut
 * tail with a rewound head or a stream rewritten with fresh hashes.
 */
export async function verifyChains(
  heads: readonly StreamHead[],
  batches: AsyncIterable<readonly ChainLink[]> | Iterable<readonly ChainLink[]>,
  opts: Pick<VerifyOptions, 'tenantId' | 'onProgress' | 'expected' | 'onHeads'> = {},
): Promise<VerifyResult> {
  const { onProgress } = opts;
  const byTenant = new Map<string, StreamHead>();
  let total = 0;
  for (const head of heads) {
    byTenant.set(head.tenantId, head);
    total += head.position;
  }
  const chains: Chains = {
    byTenant,
    expected: expectedFor(opts.expected, opts.tenantId),
    verifiers: new Map(),
  };
  let done = 0;
  let seen = false;
  onProgress?.(0, total);
  for await (const batch of batches) {
    for (const record of batch) {
      seen = true;
      const broken = checkLink(record, chains);
      if (broken !== undefined) return broken;
      done++;
    }
    onProgress?.(done, total);
  }
  if (
    opts.tenantId !== undefined &&
    !seen &&
    !byTenant.has(opts.tenantId) &&
    !chains.expected.has(opts.tenantId)
  ) {
    throw new UnknownTenantError(opts.tenantId);
  }
  const broken = checkEnds(chains);
  if (broken !== undefined) return broken;
  opts.onHeads?.(heads);
  return { ok: true, entries: done, streams: byTenant.size };
}

type Break = Extract<VerifyResult, { ok: false }>;

/** What a verify holds while links stream in: the heads, the checkpoint's heads, one verifier per stream. */
interface Chains {
  byTenant: ReadonlyMap<string, StreamHead>;
  expected: ReadonlyMap<string, ExpectedHead>;
  verifiers: Map<string, ChainVerifier>;
}

const broke = (tenantId: string, position: number, reason: string): Break => ({
  ok: false,
  tenantId,
  position,
  reason,
});

/** One stored link: within its stream's head, chained to the one before, and as the checkpoint kept it. */
function checkLink(record: ChainLink, chains: Chains): Break | undefined {
  const { tenantId, streamPosition } = record;
  const head = chains.byTenant.get(tenantId);
  if (head === undefined) {
    return broke(
      tenantId,
      streamPosition,
      'entry stored for a stream that has no stream head (not written by an append)',
    );
  }
  if (streamPosition > head.position) {
    return broke(
      tenantId,
      streamPosition,
      `entry stored past the stream head at position ${head.position} (not written by an append)`,
    );
  }
  let verifier = chains.verifiers.get(tenantId);
  if (verifier === undefined) {
    verifier = new ChainVerifier(tenantId);
    chains.verifiers.set(tenantId, verifier);
  }
  const broken = verifier.push(record);
  if (broken !== null) return { ok: false, tenantId, ...broken };
  const kept = chains.expected.get(tenantId);
  if (kept !== undefined && kept.position === streamPosition && kept.hash !== record.hash) {
    return broke(
      tenantId,
      streamPosition,
      'hash differs from the one in the checkpoint (the stream was rewritten)',
    );
  }
  return undefined;
}

/** After the last link: each stream reaches its head with the head's hash, and every checkpointed position. */
function checkEnds({ byTenant, expected, verifiers }: Chains): Break | undefined {
  for (const head of byTenant.values()) {
    const verifier = verifiers.get(head.tenantId);
    const verified = verifier?.position ?? 0;
    if (verified < head.position) {
      return broke(
        head.tenantId,
        verified + 1,
        `position ${verified + 1} is missing (the stream head is at position ${head.position})`,
      );
    }
    if (verifier !== undefined && verifier.headHash !== head.hash) {
      return broke(head.tenantId, head.position, 'hash differs from the one recorded in the stream head');
    }
  }
  for (const kept of expected.values()) {
    const verified = verifiers.get(kept.tenantId)?.position ?? 0;
    if (verified < kept.position) {
      return broke(
        kept.tenantId,
        verified + 1,
        `the checkpoint has position ${kept.position} but the stream ends at position ${verified}` +
          ' (a cut tail or a rewound head)',
      );
    }
  }
  return undefined;
}

/** The checkpoint heads a verify of `tenantId` (and the policy stream it reads) must find; all without a tenant. */
function expectedFor(
  expected: readonly ExpectedHead[] | undefined,
  tenantId: string | undefined,
): Map<string, ExpectedHead> {
  const out = new Map<string, ExpectedHead>();
  for (const head of expected ?? []) {
    if (head.position <= 0) continue;
    if (tenantId === undefined || head.tenantId === tenantId) out.set(head.tenantId, head);
  }
  return out;
}
