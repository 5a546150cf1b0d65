import { createHash } from 'node:crypto';
import { canonicalEntry } from './canonical';
import { ChainVerifier, entryHash, GENESIS_HASH, toChainLink } from './hash-chain';
import type { ChainRecord } from './chain-record';
import { makeChain, rehash } from './testing/chain-fixtures';

function pushAll(verifier: ChainVerifier, records: ChainRecord[]) {
  for (const record of records) {
    const broken = verifier.push(toChainLink(record));
    if (broken !== null) return broken;
  }
  return null;
}

describe('hash chain', () => {
  it('hashes sha256_hex(prevHash ‖ canonical(entry))', () => {
    const [first] = makeChain('t1', 1);
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalEntry(first))
      .digest('hex');
    expect(entryHash(first)).toBe(expected);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('starts at the genesis hash (64 zeros) and links each entry to the previous hash', () => {
    const chain = makeChain('t1', 4);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(chain[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < chain.length; i++) expect(chain[i].prevHash).toBe(chain[i - 1].hash);
  });

  it('accepts a valid chain and reports its head', () => {
    const chain = makeChain('t1', 5);
    const verifier = new ChainVerifier('t1');
    expect(pushAll(verifier, chain)).toBeNull();
    expect(verifier.position).toBe(5);
    expect(verifier.headHash).toBe(chain[4].hash);
  });

  it('names the first broken position when content changes', () => {
    const chain = makeChain('t1', 6);
    chain[3] = { ...chain[3], dataJson: '{"dataId":"forged"}' };
    expect(pushAll(new ChainVerifier('t1'), chain)).toEqual({
      position: 4,
      reason: expect.stringMatching(/hash/),
    });
  });

  it('catches a forged entry even when its own hash was recomputed: the next link breaks', () => {
    const chain = makeChain('t1', 6);
    chain[2] = rehash({ ...chain[2], occurredAt: '2030-01-01T00:00:00.000Z' });
    expect(pushAll(new ChainVerifier('t1'), chain)).toEqual({
      position: 4,
      reason: expect.stringMatching(/prevHash/),
    });
  });

  it('rejects a first entry that does not start from genesis', () => {
    const chain = makeChain('t1', 2);
    chain[0] = rehash({ ...chain[0], prevHash: 'f'.repeat(64) });
    expect(pushAll(new ChainVerifier('t1'), chain)).toEqual({
      position: 1,
      reason: expect.stringMatching(/genesis/),
    });
  });

  it('reports a position gap at the missing position', () => {
    const chain = makeChain('t1', 5);
    chain.splice(2, 1);
    expect(pushAll(new ChainVerifier('t1'), chain)).toEqual({
      position: 3,
      reason: expect.stringMatching(/missing/),
    });
  });

  it('reports a repeated position', () => {
    const chain = makeChain('t1', 3);
    expect(pushAll(new ChainVerifier('t1'), [chain[0], chain[1], chain[1]])).toEqual({
      position: 3,
      reason: expect.stringMatching(/again/),
    });
  });

  it('checks the subject digest while the plaintext subject is there', () => {
    const chain = makeChain('t1', 3);
    chain[2] = { ...chain[2], subjectJson: chain[2].subjectJson!.replace('user-3', 'someone-else') };
    expect(pushAll(new ChainVerifier('t1'), chain)).toEqual({
      position: 3,
      reason: expect.stringMatching(/subject/),
    });
  });

  it('still verifies once a subject part is shredded (digest kept, plaintext gone)', () => {
    const chain = makeChain('t1', 3).map((r) => ({ ...r, subjectJson: null }));
    expect(pushAll(new ChainVerifier('t1'), chain)).toBeNull();
  });

  it('does not accept another stream’s record', () => {
    const [other] = makeChain('t2', 1);
    expect(new ChainVerifier('t1').push(toChainLink(other))).toEqual({
      position: 1,
      reason: expect.stringMatching(/t2/),
    });
  });
});
