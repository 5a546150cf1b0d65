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
    const reference = referenceCanonicalize([...payloads, ...subjects]);
    payloads.forEach((p, i) =>
      expect(payloadHash({ ...p, dataJson: canonicalJson(p.data) })).toBe(sha(reference[i])),
    );
    subjects.forEach((s, i) =>
      expect(subjectDigest(s.salt, s.subjectId)).toBe(sha(reference[payloads.length + i])),
    );
  });
});
