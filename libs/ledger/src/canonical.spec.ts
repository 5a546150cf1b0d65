import fc from 'fast-check';
import { CanonicalJsonError, canonicalJson, quoteJson } from '@app/contracts/canonical-json';
import { canonicalEntry, canonicalSource, canonicalSubject, hashedEnvelope, type HashedFields } from './canonical';
import { referenceCanonicalize } from './testing/reference-canonicalize';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const anyText = fc.string({ unit: 'binary', maxLength: 24 });

const hashedFields: fc.Arbitrary<HashedFields> = fc.record({
  tenantId: anyText,
  streamPosition: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  eventId: anyText,
  type: anyText,
  occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  recordedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  dataJson: fc
    .dictionary(anyText, fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }), { maxKeys: 6 })
    .map((data) => canonicalJson(data)),
  subjectDigest: fc.option(hex64, { nil: null }),
  sourceJson: fc.option(
    fc
      .record({ topic: anyText, partition: fc.nat(), offset: anyText })
      .map((source) => canonicalSource(source)),
    { nil: null },
  ),
  prevHash: hex64,
});

describe('canonicalJson (RFC 8785)', () => {
  it('sorts object keys by UTF-16 code units, recursively', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, A: true })).toBe(
      '{"A":true,"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    // U+10000 is the surrogate pair D800 DC00, which sorts before U+FFFF in UTF-16 (not in code points).
    expect(canonicalJson({ '\uffff': 1, '\u{10000}': 2, é: 3, e: 4 })).toBe(
      '{"e":4,"é":3,"\u{10000}":2,"\uffff":1}',
    );
  });

  it('formats numbers as ECMAScript does', () => {
    expect(canonicalJson([0, -0, 1, -1.5, 1e21, 1e-7, 123456789012345680000, 0.1 + 0.2, 5e-324])).toBe(
      '[0,0,1,-1.5,1e+21,1e-7,123456789012345680000,0.30000000000000004,5e-324]',
    );
  });

  it('escapes strings minimally and keeps other unicode as is', () => {
    expect(canonicalJson('a"b\\c\n\t\u0001\u001f\u007f€😀')).toBe(
      '"a\\"b\\\\c\\n\\t\\u0001\\u001f\u007f€😀"',
    );
  });

  it('drops undefined members, nulls undefined array items, honours toJSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0) })).toBe(
      '{"b":[null],"c":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('refuses what JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson([Infinity])).toThrow(CanonicalJsonError);
    expect(() => canonicalJson('\ud800')).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(/lone surrogate/);
    expect(() => canonicalJson(10n)).toThrow(CanonicalJsonError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/circular/);
  });

  it('equals the canonicalize package on random JSON values', () => {
    const values = fc.sample(fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }), {
      numRuns: 3000,
      seed: 42,
    });
    const reference = referenceCanonicalize(values);
    values.forEach((value, i) => expect(canonicalJson(value)).toBe(reference[i]));
  });
});

describe('quoteJson', () => {
  const tricky = [
    '',
    'plain',
    'a"b',
    'back\\slash',
    'nul\u0000',
    'tab\t',
    '\u001f',
    '\u007f',
    '\u2028',
    'é',
    '😀',
    '\ud800',
    'x\udc00',
  ];

  it('equals JSON.stringify on strings that need escaping and on those that do not', () => {
    for (const s of tricky) expect(quoteJson(s)).toBe(JSON.stringify(s));
  });

  it('equals JSON.stringify on random strings, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => quoteJson(s) === JSON.stringify(s)));
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => quoteJson(s) === JSON.stringify(s)));
  });

  it('leaves the well-formedness check to canonicalJson, which still refuses lone surrogates', () => {
    expect(() => canonicalJson({ a: 'x\ud800' })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(CanonicalJsonError);
    expect(canonicalJson({ a: '😀"' })).toBe('{"a":"😀\\""}');
  });
});

describe('canonicalEntry', () => {
  it('writes the hashed form in canonical key order, without the plaintext subject', () => {
    const text = canonicalEntry({
      tenantId: 't1',
      streamPosition: 2,
      eventId: 'e1',
      type: 'DataCreated',
      occurredAt: '2024-01-01T00:00:00.000Z',
      recordedAt: '2024-01-02T00:00:00.000Z',
      dataJson: '{"dataId":"d1"}',
      subjectDigest: 'ab',
      sourceJson: canonicalSource({ topic: 'data-created', partition: 0, offset: '7' }),
      prevHash: '00',
    });
    expect(text).toBe(
      '{"data":{"dataId":"d1"},"eventId":"e1","occurredAt":"2024-01-01T00:00:00.000Z","prevHash":"00",' +
        '"recordedAt":"2024-01-02T00:00:00.000Z","source":{"offset":"7","partition":0,"topic":"data-created"},' +
        '"streamPosition":2,"subjectDigest":"ab","tenantId":"t1","type":"DataCreated","v":1}',
    );
  });

  it('equals canonicalize(hashedEnvelope(entry)) on random entries', () => {
    const samples = fc.sample(hashedFields, { numRuns: 2000, seed: 7 });
    const reference = referenceCanonicalize(samples.map(hashedEnvelope));
    samples.forEach((fields, i) => expect(canonicalEntry(fields)).toBe(reference[i]));
  });

  it('builds source and subject parts equal to the general encoder', () => {
    fc.assert(
      fc.property(anyText, fc.nat(), anyText, (topic, partition, offset) => {
        const source = { topic, partition, offset };
        return canonicalSource(source) === canonicalJson(source);
      }),
    );
    fc.assert(
      fc.property(
        anyText,
        anyText,
        (salt, subjectId) => canonicalSubject(salt, subjectId) === canonicalJson({ subjectId, salt }),
      ),
    );
  });

  it('equals our general encoder on random entries', () => {
    fc.assert(
      fc.property(hashedFields, (fields) => canonicalEntry(fields) === canonicalJson(hashedEnvelope(fields))),
      { numRuns: 2000 },
    );
  });
});
