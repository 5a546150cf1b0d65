import { ParseContext, RawRecord, TopicNames } from '@app/contracts';
import { parseSafely } from './parse-safely';

const ctx: ParseContext = {
  topics: new TopicNames('', ['eu']),
  categories: new Set(['personal']),
  regions: new Set(['eu']),
  now: new Date('2026-01-02T00:00:00Z'),
  maxFutureSkewMs: 900_000,
  minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
  maxMessageBytes: 1 << 20,
};

function record(value: string): RawRecord {
  return {
    topic: 'data-created',
    partition: 0,
    offset: '7',
    key: Buffer.from('t1'),
    value: Buffer.from(value),
    headers: {},
    timestamp: '0',
  } as RawRecord;
}

describe('parseSafely', () => {
  it('turns a parser that throws into a rejection that quotes nothing of the input', () => {
    const secret = 'user-4711@example.com';
    const result = parseSafely(record(secret), ctx, () => {
      throw new RangeError(`Maximum call stack size exceeded near ${secret}`);
    });
    expect(result).toEqual({
      ok: false,
      reason: 'the record could not be parsed (RangeError in the parser)',
    });
  });

  it('rejects a 5 000-deep object in a field with the field rule, through the real parser', () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const value = `{"eventId":"e1","tenantId":"t1","occurredAt":"2026-01-01T00:00:00Z","dataId":${deep},"category":"personal","region":"eu","store":"s"}`;
    const result = parseSafely(record(value), ctx);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/dataId/);
  });
});
