import { createHash } from 'node:crypto';
import { inclusionProof, leafHash, nodeHash, rootFromInclusionProof, rootOf } from './merkle';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

/** MTH as RFC 9162 §2.1.1 writes it, recursively: the reference for the bottom-up version. */
function referenceRoot(d: Buffer[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return d[0];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(referenceRoot(d.slice(0, k)), referenceRoot(d.slice(k)));
}

describe('RFC 9162 Merkle tree', () => {
  it('hashes leaves and nodes with their 0x00 / 0x01 prefixes', () => {
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(
      // RFC 6962 test vector: the hash of an empty leaf.
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const [a, b] = leaves(2);
    expect(nodeHash(a, b)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([Buffer.of(1), a, b]))
        .digest(),
    );
  });

  it('roots equal the recursive definition for every size up to 40', () => {
    for (let n = 0; n <= 40; n++) expect(rootOf(leaves(n))).toEqual(referenceRoot(leaves(n)));
  });

  it('every inclusion proof of every tree up to 20 leads to the root', () => {
    for (let n = 1; n <= 20; n++) {
      const d = leaves(n);
      const root = rootOf(d);
      for (let m = 0; m < n; m++) {
        expect(rootFromInclusionProof(m, n, d[m], inclusionProof(m, d))).toEqual(root);
      }
    }
  });

  it('a tampered proof, leaf, index or size does not lead to the root', () => {
    const d = leaves(7);
    const root = rootOf(d);
    const proof = inclusionProof(5, d);
    const flipped = proof.map((p, i) => (i === 1 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 1 : b))) : p));
    expect(rootFromInclusionProof(5, 7, d[5], flipped)).not.toEqual(root);
    expect(rootFromInclusionProof(5, 7, d[4], proof)).not.toEqual(root);
    expect(rootFromInclusionProof(4, 7, d[5], proof)).not.toEqual(root);
    // The size is signed with the root; a different one changes the path (8 would not: same shape here).
    expect(rootFromInclusionProof(5, 6, d[5], proof)).not.toEqual(root);
    expect(rootFromInclusionProof(5, 7, d[5], proof.slice(1))).not.toEqual(root);
    expect(rootFromInclusionProof(7, 7, d[5], proof)).toBeUndefined();
  });
});
