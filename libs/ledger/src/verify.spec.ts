import { toChainLink, type ChainLink } from './hash-chain';
import type { StreamHead } from './ledger-store';
import { makeChain } from './testing/chain-fixtures';
import { UnknownTenantError } from './ledger-errors';
import { verifyChains } from './verify';

function headOf(chain: ChainLink[]): StreamHead {
  const last = chain[chain.length - 1];
  return { tenantId: last.tenantId, position: last.streamPosition, hash: last.hash };
}

describe('verifyChains', () => {
  const a = makeChain('a', 5).map(toChainLink);
  const bRecords = makeChain('b', 3);
  const b = bRecords.map(toChainLink);

  it('verifies every stream and counts entries and streams', async () => {
    const progress: Array<[number, number]> = [];
    const result = await verifyChains([headOf(a), headOf(b)], [a.slice(0, 2), a.slice(2), b], {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result).toEqual({ ok: true, entries: 8, streams: 2 });
    expect(progress[0]).toEqual([0, 8]);
    expect(progress[progress.length - 1]).toEqual([8, 8]);
  });

  it('accepts streams interleaved, each in order (as a global-order read gives them)', async () => {
    const interleaved = [a[0], b[0], a[1], b[1], b[2], a[2], a[3], a[4]];
    expect(await verifyChains([headOf(a), headOf(b)], [interleaved])).toEqual({
      ok: true,
      entries: 8,
      streams: 2,
    });
  });

  it('names the tenant and first broken position', async () => {
    const forged = [...b];
    forged[1] = {
      ...toChainLink({ ...bRecords[1], occurredAt: '1999-01-01T00:00:00.000Z' }),
      hash: b[1].hash,
    };
    expect(await verifyChains([headOf(a), headOf(b)], [a, forged])).toMatchObject({
      ok: false,
      tenantId: 'b',
      position: 2,
    });
  });

  it('names a row past its head: heads and rows come from one snapshot, so no append wrote it', async () => {
    expect(await verifyChains([{ ...headOf(a.slice(0, 3)) }], [a])).toMatchObject({
      ok: false,
      tenantId: 'a',
      position: 4,
      reason: expect.stringMatching(/past the stream head at position 3/),
    });
  });

  it('names the rows of a stream that has no head', async () => {
    expect(await verifyChains([headOf(a)], [a, b])).toMatchObject({
      ok: false,
      tenantId: 'b',
      position: 1,
      reason: expect.stringMatching(/no stream head/),
    });
  });

  it('throws for a tenant the ledger has no trace of, and is a break when rows exist without a head', async () => {
    await expect(verifyChains([], [], { tenantId: 'nobody' })).rejects.toThrow(UnknownTenantError);
    expect(await verifyChains([], [b], { tenantId: 'b' })).toMatchObject({ ok: false, tenantId: 'b' });
  });

  describe('against a checkpoint (expected heads)', () => {
    it('passes when every checkpoint head is still there with its hash, and reports the heads', async () => {
      let heads: readonly StreamHead[] = [];
      const result = await verifyChains([headOf(a), headOf(b)], [a, b], {
        expected: [headOf(a.slice(0, 2)), headOf(b)],
        onHeads: (h) => (heads = h),
      });
      expect(result).toEqual({ ok: true, entries: 8, streams: 2 });
      expect(heads).toEqual([headOf(a), headOf(b)]);
    });

    it('names the first position cut from a stream whose head was rewound', async () => {
      expect(
        await verifyChains([headOf(a.slice(0, 2))], [a.slice(0, 2)], { expected: [headOf(a)] }),
      ).toMatchObject({ ok: false, tenantId: 'a', position: 3, reason: expect.stringMatching(/cut tail/) });
    });

    it('names the checkpoint position of a stream rewritten with fresh hashes', async () => {
      const rewritten = makeChain('a', 5, 'other').map(toChainLink);
      expect(
        await verifyChains([headOf(rewritten)], [rewritten], { expected: [headOf(a.slice(0, 4))] }),
      ).toMatchObject({ ok: false, tenantId: 'a', position: 4, reason: expect.stringMatching(/checkpoint/) });
    });

    it('names a stream of the checkpoint that is gone, also when only that tenant is verified', async () => {
      expect(await verifyChains([], [], { tenantId: 'b', expected: [headOf(b)] })).toMatchObject({
        ok: false,
        tenantId: 'b',
        position: 1,
      });
    });
  });

  it('detects a deleted tail: the stream ends before its head', async () => {
    expect(await verifyChains([headOf(a)], [a.slice(0, 3)])).toMatchObject({
      ok: false,
      tenantId: 'a',
      position: 4,
      reason: expect.stringMatching(/missing/),
    });
  });

  it('detects a stream whose entries are all gone', async () => {
    expect(await verifyChains([headOf(a), headOf(b)], [a])).toMatchObject({
      ok: false,
      tenantId: 'b',
      position: 1,
    });
  });

  it('detects a head that disagrees with the stream', async () => {
    expect(await verifyChains([{ ...headOf(a), hash: 'f'.repeat(64) }], [a])).toMatchObject({
      ok: false,
      tenantId: 'a',
      position: 5,
      reason: expect.stringMatching(/head/),
    });
  });

  it('is ok on an empty ledger', async () => {
    expect(await verifyChains([], [])).toEqual({ ok: true, entries: 0, streams: 0 });
  });
});
