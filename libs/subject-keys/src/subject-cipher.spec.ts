import { decryptSubjectPart, encryptSubjectPart, newDataKey } from './subject-cipher';
import { SubjectCiphertextError } from './subject-key-errors';
import { isPseudonym, newPseudonym } from './pseudonym';

describe('subject part cipher (AES-256-GCM, AAD = tenant + pseudonym)', () => {
  const key = newDataKey();
  const p = newPseudonym();
  const part = JSON.stringify({ subjectId: 'user-1@example.com' });

  it('round-trips, with a fresh nonce each time (same plaintext, different ciphertexts)', () => {
    const a = encryptSubjectPart(key, 'acme', p, part);
    const b = encryptSubjectPart(key, 'acme', p, part);
    expect(a).toMatch(/^sk1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toEqual(b);
    expect(decryptSubjectPart(key, 'acme', p, a)).toBe(part);
    expect(decryptSubjectPart(key, 'acme', p, b)).toBe(part);
    expect(a).not.toContain('user-1');
  });

  it('refuses another tenant, another pseudonym, another key and any altered byte', () => {
    const c = encryptSubjectPart(key, 'acme', p, part);
    const body = Buffer.from(c.slice(4), 'base64url');
    const altered = [...Array(body.length).keys()].map((i) => {
      const copy = Buffer.from(body);
      copy[i] ^= 0x01;
      return 'sk1.' + copy.toString('base64url');
    });
    const attempts: Array<() => string> = [
      () => decryptSubjectPart(key, 'globex', p, c),
      () => decryptSubjectPart(key, 'acme', newPseudonym(), c),
      () => decryptSubjectPart(newDataKey(), 'acme', p, c),
      () => decryptSubjectPart(key, 'acme', p, 'sk1.AAAA'),
      () => decryptSubjectPart(key, 'acme', p, part),
      ...altered.map((a) => () => decryptSubjectPart(key, 'acme', p, a)),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(SubjectCiphertextError);
  });

  it('error messages name the pseudonym, never the plaintext', () => {
    const c = encryptSubjectPart(key, 'acme', p, part);
    expect(() => decryptSubjectPart(key, 'globex', p, c)).toThrow(
      new RegExp(`^subject part of ${p} does not decrypt`),
    );
  });
});

describe('pseudonyms', () => {
  it('are sp_ + 26 base32 characters, random (no two alike in 10 000)', () => {
    const many = Array.from({ length: 10_000 }, newPseudonym);
    expect(many.every(isPseudonym)).toBe(true);
    expect(new Set(many).size).toBe(many.length);
    expect(isPseudonym('sp_' + 'A'.repeat(26))).toBe(false);
  });
});
