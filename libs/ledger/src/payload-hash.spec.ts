import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from '@app/contracts/canonical-json';
import { payloadHash } from './payload-hash';
import { subjectDigest } from './subject';
import { referenceCanonicalize } from './testing/reference-canonicalize';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const text = fc.string({ unit: 'binary', maxLength: 20 });

describe('payloadHash and subjectDigest', () => {
  it('hash the RFC 8785 form of their inputs', () => {
    const payloads = fc.sample(
      fc.record({
        tenantId: text,
        type: text,
        occurredAt: text,
        data: fc.dictionary(text, fc.jsonValue({ stringUnit: 'binary', maxDepth: 2 }), { maxKeys: 4 }),
        subjectId: fc.option(text, { nil: null }),
      }),
      { numRuns: 500, seed: 3 },
    );
    const subjects = fc.sample(fc.record({ salt: fc.stringMatching(/^[0-9a-f]{32}$/), subjectId: text }), {
      numRuns: 500,
      seed: 4,
    });
    // A sealed subject: the pseudonym in subjectId's place, the ciphertext left out.
    const sealed = fc.sample(
      fc.record({ tenantId: text, type: text, occurredAt: text, data: fc.constant({}), pseudonym: text }),
      { numRuns: 200, seed: 5 },
    );
    const reference = referenceCanonicalize([...payloads, ...subjects, ...sealed]);
    payloads.forEach(({ subjectId, ...p }, i) =>
      expect(
        payloadHash({
          ...p,
          dataJson: canonicalJson(p.data),
          subject: subjectId === null ? null : { subjectId },
        }),
      ).toBe(sha(reference[i])),
    );
    subjects.forEach((s, i) =>
      expect(subjectDigest(s.salt, s.subjectId)).toBe(sha(reference[payloads.length + i])),
    );
    sealed.forEach(({ pseudonym, ...p }, i) =>
      expect(payloadHash({ ...p, dataJson: '{}', subject: { pseudonym, ciphertext: `sk1.${i}` } })).toBe(
        sha(reference[payloads.length + subjects.length + i]),
      ),
    );
  });
});
