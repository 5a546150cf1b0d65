import { generateKeyPairSync } from 'node:crypto';
import { checkpointNote, checkpointProblem, signCheckpoint, treeHeadOf, treeHeadProblem } from './checkpoint';
import { keyIdOf, type SigningKey } from './signing-key';

function key(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicKeyPem: '', keyId: keyIdOf(publicKey) };
}

const heads = [
  { tenantId: 'globex', position: 3, hash: 'b'.repeat(64) },
  { tenantId: '$policy', position: 1, hash: 'c'.repeat(64) },
  { tenantId: 'acme', position: 2, hash: 'a'.repeat(64) },
];

describe('signed checkpoints', () => {
  const k = key();
  const cp = signCheckpoint(heads, k, new Date('2026-03-01T00:00:00Z'));

  it('commits to the heads in tenantId order, with the ledger size, and signs the note', () => {
    expect(cp.heads.map((h) => h.tenantId)).toEqual(['$policy', 'acme', 'globex']);
    expect(cp).toMatchObject({ formatVersion: 1, treeSize: 3, ledgerSize: 6, keyId: k.keyId });
    expect(checkpointNote(cp).toString()).toBe(
      `retention-ledger checkpoint v1\n3\n6\n${cp.rootHash}\n2026-03-01T00:00:00.000Z\n`,
    );
    expect(checkpointProblem(cp, k.publicKey, k.keyId)).toBeUndefined();
    expect(treeHeadProblem(treeHeadOf(cp), k.publicKey, k.keyId)).toBeUndefined();
  });

  it.each([
    ['another key', () => [cp, key()] as const, /not by the given public key/],
    ['a changed size', () => [{ ...cp, ledgerSize: 7 }, k] as const, /signature does not verify/],
    ['a changed time', () => [{ ...cp, createdAt: '2026-03-02T00:00:00.000Z' }, k] as const, /signature/],
    [
      'a changed head',
      () => [{ ...cp, heads: cp.heads.map((h, i) => (i === 1 ? { ...h, position: 1 } : h)) }, k] as const,
      /sum to the ledger size|root/,
    ],
    ['a head left out', () => [{ ...cp, heads: cp.heads.slice(1) }, k] as const, /3 heads|2 heads/],
    ['uppercase hex', () => [{ ...cp, signature: cp.signature.toUpperCase() }, k] as const, /lowercase hex/],
  ])('rejects %s', (_what, make, problem) => {
    const [c, by] = make();
    expect(checkpointProblem(c, by.publicKey, by.keyId)).toMatch(problem);
  });
});
