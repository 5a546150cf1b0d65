import { parseRecord, ParseContext } from './parse-record';
import { markedRecords, markerFragments, MARKER } from './testing/marker-records';
import { TopicNames } from './topics';

/**
 * A dead-letter reason lands in headers, logs and metrics, where the record's bytes do not
 * go: it names the field and the rule, never the value (issue 10: personal data must not
 * linger). Each record carries a marker where a subject id or another value would be.
 */
const ctx: ParseContext = {
  topics: new TopicNames('p.', ['eu', 'us']),
  categories: new Set(['personal', 'audit-log']),
  regions: new Set(['eu', 'us']),
  now: new Date('2024-06-01T00:00:00.000Z'),
  maxFutureSkewMs: 5 * 60_000,
  minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
  maxMessageBytes: 256 * 1024,
};

describe('parseRecord: no rejection reason quotes a value of the record', () => {
  it.each(markedRecords().map((r) => [r.name, r] as const))('%s', (_name, r) => {
    const result = parseRecord(
      {
        topic: `p.${r.topic}`,
        partition: 0,
        offset: '1',
        key: Buffer.from(r.key ?? 'acme'),
        value: r.value,
        headers: r.headers ?? {},
      },
      ctx,
    );
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason.length).toBeGreaterThan(0);
    expect({ reason, fragments: markerFragments(reason) }).toEqual({ reason, fragments: [] });
  });

  it('the marker check itself finds what V8 quotes', () => {
    let message = '';
    try {
      JSON.parse(`{"subjectId":${MARKER}}`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(markerFragments(message).length).toBeGreaterThan(0);
  });
});
