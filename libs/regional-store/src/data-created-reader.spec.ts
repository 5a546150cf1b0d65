import type { RawRecord } from '@app/contracts';
import { malformedJsonTexts, markerFragments } from '@app/contracts/testing/marker-records';
import { readDataCreated } from './data-created-reader';

function record(value: unknown): RawRecord {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return {
    topic: 'data-created',
    partition: 0,
    offset: '0',
    key: null,
    value: Buffer.from(text),
    headers: {},
  };
}

const event = {
  eventId: 'e-1',
  tenantId: 'tenant-a',
  occurredAt: '2026-01-01T10:00:00+01:00',
  dataId: 'd-1',
  category: 'personal',
  region: 'eu',
  store: 'main',
  subjectId: 'user-1',
};

describe('readDataCreated', () => {
  it('turns an event of its region into a row', () => {
    expect(readDataCreated(record(event), 'eu')).toEqual({
      kind: 'item',
      item: {
        tenantId: 'tenant-a',
        dataId: 'd-1',
        store: 'main',
        subjectId: 'user-1',
        category: 'personal',
        createdAt: '2026-01-01T09:00:00.000Z',
        payload: JSON.stringify(event),
      },
    });
    expect(readDataCreated(record({ ...event, subjectId: undefined }), 'eu')).toMatchObject({
      item: { subjectId: null },
    });
  });

  it('skips another region’s data', () => {
    expect(readDataCreated(record(event), 'us')).toEqual({ kind: 'other-region', region: 'eu' });
  });

  it('skips what is not a valid data-created event', () => {
    expect(readDataCreated(record('{oops'), 'eu').kind).toBe('invalid');
    expect(readDataCreated(record({ ...event, dataId: 7 }), 'eu')).toEqual({
      kind: 'invalid',
      reason: expect.stringMatching(/dataId/),
    });
  });

  // A skipped record is logged ('data-created record skipped').
  it.each(malformedJsonTexts())('quotes no byte of malformed JSON in its reason: %s', (_name, text) => {
    const outcome = readDataCreated(record(text), 'eu');
    const reason = outcome.kind === 'invalid' ? outcome.reason : '';
    expect(reason).toMatch(/^malformed JSON: /);
    expect(markerFragments(reason)).toEqual([]);
  });
});
