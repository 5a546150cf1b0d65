import fc from 'fast-check';
import { DEAD_LETTER_MAX_BYTES, deadLetterValue, DeadLetterValue, originalRecord } from './dead-letter';
import type { RawRecord } from './raw-record';

const AT = new Date('2024-06-01T00:00:00.000Z');
/** Stands in for SHA-256 (the publisher passes node:crypto's; contracts import no Node modules). */
const digest = (b: Buffer) => `digest-of-${b.length}-bytes`;

function raw(overrides: Partial<RawRecord> = {}): RawRecord {
  return {
    topic: 'data-created',
    partition: 2,
    offset: '1234',
    key: Buffer.from('acme'),
    value: Buffer.from('{"eventId":"ev-1"}'),
    headers: {},
    ...overrides,
  };
}

/** What a consumer of the dead-letter topic sees: the value went through JSON and UTF-8. */
function throughKafka(value: DeadLetterValue): DeadLetterValue {
  return JSON.parse(Buffer.from(JSON.stringify(value), 'utf8').toString('utf8')) as DeadLetterValue;
}

/** Headers as bytes, for comparing what was on the wire. */
function headerBytes(headers: RawRecord['headers']): [string, string | string[]][] {
  const hex = (v: Buffer | string | null) => (v === null ? 'null' : Buffer.from(v).toString('hex'));
  return Object.entries(headers).flatMap(([name, h]): [string, string | string[]][] =>
    h === undefined ? [] : [[name, Array.isArray(h) ? h.map(hex) : hex(h)]],
  );
}

function expectRoundTrip(original: RawRecord): void {
  const back = originalRecord(throughKafka(deadLetterValue(original, 'some reason', AT, digest)));
  expect(back.value?.toString('hex') ?? null).toBe(original.value?.toString('hex') ?? null);
  expect(back.key?.toString('hex') ?? null).toBe(original.key?.toString('hex') ?? null);
  expect(headerBytes(back.headers)).toEqual(headerBytes(original.headers));
  expect([back.topic, back.partition, back.offset]).toEqual([
    original.topic,
    original.partition,
    original.offset,
  ]);
}

describe('deadLetterValue', () => {
  it('carries a UTF-8 value and key as text, with provenance, reason and rejectedAt', () => {
    expect(
      deadLetterValue(raw({ headers: { ce_id: Buffer.from('abc') } }), 'malformed JSON: x', AT, digest),
    ).toEqual({
      value: '{"eventId":"ev-1"}',
      valueEncoding: 'utf8',
      key: 'acme',
      keyEncoding: 'utf8',
      headers: { ce_id: 'abc' },
      topic: 'data-created',
      partition: 2,
      offset: '1234',
      reason: 'malformed JSON: x',
      rejectedAt: '2024-06-01T00:00:00.000Z',
      originalSize: 18,
      originalSha256: 'digest-of-18-bytes',
      truncated: false,
    });
  });

  it('carries a non-UTF-8 value and key as base64', () => {
    const d = deadLetterValue(
      raw({ value: Buffer.from([0xff, 0x00, 0x7b]), key: Buffer.from([0xc3]) }),
      'r',
      AT,
      digest,
    );
    expect([d.value, d.valueEncoding, d.key, d.keyEncoding]).toEqual(['/wB7', 'base64', 'ww==', 'base64']);
  });

  it('keeps a null value and a null key apart from empty ones', () => {
    const nulls = deadLetterValue(raw({ value: null, key: null }), 'empty value', AT, digest);
    const empties = deadLetterValue(
      raw({ value: Buffer.alloc(0), key: Buffer.alloc(0) }),
      'empty value',
      AT,
      digest,
    );
    expect([nulls.value, nulls.key]).toEqual([null, null]);
    expect([empties.value, empties.key]).toEqual(['', '']);
  });

  it('marks non-UTF-8 headers as base64, keeps repeated headers as arrays, drops undefined ones', () => {
    const headers = {
      bin: Buffer.from([0xfe]),
      txt: 'plain',
      many: [Buffer.from('a'), Buffer.from([0xff])],
      gone: undefined,
    };
    expect(deadLetterValue(raw({ headers }), 'r', AT, digest).headers).toEqual({
      bin: { encoding: 'base64', value: '/g==' },
      txt: 'plain',
      many: ['a', { encoding: 'base64', value: '/w==' }],
    });
  });

  describe('round trip: the original bytes are recoverable exactly', () => {
    it('a binary value', () => expectRoundTrip(raw({ value: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]) })));
    it('a UTF-8 value with a BOM (which a default decoder would drop)', () =>
      expectRoundTrip(raw({ value: Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]) })));
    it('a value with NUL and control characters', () =>
      expectRoundTrip(raw({ value: Buffer.from('a\u0000b\u0007\n') })));
    it('an encoded lone surrogate (not valid UTF-8)', () =>
      expectRoundTrip(raw({ value: Buffer.from([0xed, 0xa0, 0x80]) })));
    it('null value and key', () => expectRoundTrip(raw({ value: null, key: null })));
    it('a header named __proto__', () =>
      expectRoundTrip(raw({ headers: JSON.parse('{"__proto__": "x"}') as RawRecord['headers'] })));
    it('a header without a value (kcat -H name, Java new RecordHeader(k, null))', () =>
      expectRoundTrip(raw({ headers: { 'trace-id': null, many: [null, Buffer.from('x')] } })));
    it('binary, text and repeated headers', () =>
      expectRoundTrip(
        raw({ headers: { a: Buffer.from([0x80]), b: 'ü', c: [Buffer.from([0xc0]), Buffer.from('x')] } }),
      ));

    it('any bytes at all (property)', () => {
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
        fc.string({ unit: 'binary' }).map((s) => Buffer.from(s, 'utf8')),
        fc.constant(null),
      );
      const header = fc.oneof(
        fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
        fc.constant(null),
        fc.array(
          fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
          { minLength: 1, maxLength: 3 },
        ),
      );
      fc.assert(
        fc.property(
          bytes,
          bytes,
          fc.dictionary(fc.string({ minLength: 1 }), header),
          (value, key, headers) => {
            expectRoundTrip(raw({ value, key, headers }));
          },
        ),
        { numRuns: 2000 },
      );
    });
  });

  describe('always fits the broker', () => {
    const size = (d: DeadLetterValue) => Buffer.byteLength(JSON.stringify(d));

    it('truncates 200 KB of control characters (six-fold when JSON-escaped), keeping size and SHA-256', () => {
      const value = Buffer.from('\u0001'.repeat(200 * 1024));
      const d = deadLetterValue(raw({ value }), 'malformed JSON', AT, digest);
      expect(size(d)).toBeLessThanOrEqual(DEAD_LETTER_MAX_BYTES);
      expect(d).toMatchObject({
        truncated: true,
        originalSize: value.length,
        originalSha256: digest(value),
        valueEncoding: 'utf8',
      });
      expect(value.subarray(0, Buffer.byteLength(d.value!)).toString()).toBe(d.value);
    });

    it('cuts a UTF-8 value on a character boundary and keeps binary as base64', () => {
      const text = deadLetterValue(raw({ value: Buffer.from('€'.repeat(400_000)) }), 'r', AT, digest);
      expect(text.valueEncoding).toBe('utf8');
      expect(text.value!.replace(/€/g, '')).toBe('');
      const bin = deadLetterValue(raw({ value: Buffer.alloc(2_000_000, 0xff) }), 'r', AT, digest);
      expect(bin.valueEncoding).toBe('base64');
      expect(size(bin)).toBeLessThanOrEqual(DEAD_LETTER_MAX_BYTES);
    });

    it('bounds a huge key, huge and many headers, and a huge reason', () => {
      const headers: RawRecord['headers'] = { big: Buffer.alloc(500_000, 1) };
      for (let i = 0; i < 2000; i++) headers[`h${i}`] = '\u0002'.repeat(50);
      const d = deadLetterValue(
        raw({ key: Buffer.alloc(300_000, 0x41), headers, value: Buffer.alloc(900_000, 0x7f) }),
        'x'.repeat(100_000),
        AT,
        digest,
      );
      expect(size(d)).toBeLessThanOrEqual(DEAD_LETTER_MAX_BYTES);
      expect(d.truncated).toBe(true);
    });

    it('keeps a record that fits whole, untruncated', () => {
      const value = Buffer.from('x'.repeat(256 * 1024));
      const d = deadLetterValue(raw({ value }), 'r', AT, digest);
      expect([d.truncated, d.value?.length]).toEqual([false, value.length]);
    });
  });
});
