import { parseRecord, ParseContext, RawRecord } from '../parse-record';
import { TopicNames } from '../topics';
import { isStructuredContentType, unwrapStructured } from './structured';

const ctx: ParseContext = {
  topics: new TopicNames('', ['eu', 'us']),
  categories: new Set(['personal']),
  regions: new Set(['eu', 'us']),
  now: new Date('2024-06-01T00:00:00Z'),
  maxFutureSkewMs: 60_000,
  minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
  maxMessageBytes: 4096,
};

const data = { tenantId: 'acme', dataId: 'd1', category: 'personal', region: 'eu', store: 'crm' };
const event = {
  specversion: '1.0',
  id: 'ce-1',
  source: '/crm',
  type: 'com.example.data-created',
  time: '2024-05-01T12:00:00Z',
  datacontenttype: 'application/json',
  data,
};

function record(
  value: unknown,
  contentType: string | undefined,
  headers: RawRecord['headers'] = {},
): RawRecord {
  return {
    topic: 'data-created',
    partition: 0,
    offset: '7',
    key: Buffer.from('acme'),
    value: Buffer.from(JSON.stringify(value)),
    headers: contentType === undefined ? headers : { ...headers, 'content-type': Buffer.from(contentType) },
  };
}

describe('CloudEvents structured mode', () => {
  it('recognises application/cloudevents+json whatever its case and parameters', () => {
    expect(isStructuredContentType('application/cloudevents+json')).toBe(true);
    expect(isStructuredContentType('Application/CloudEvents+JSON; charset=UTF-8')).toBe(true);
    expect(isStructuredContentType('application/json')).toBe(false);
    expect(isStructuredContentType(undefined)).toBe(false);
  });

  it('takes the event from data, with id and time standing in for eventId and occurredAt', () => {
    const result = parseRecord(record(event, 'application/cloudevents+json'), ctx);
    expect(result).toEqual({
      ok: true,
      entry: expect.objectContaining({
        eventId: 'ce-1',
        tenantId: 'acme',
        type: 'DataCreated',
        occurredAt: '2024-05-01T12:00:00.000Z',
        data: { dataId: 'd1', category: 'personal', region: 'eu', store: 'crm' },
      }),
    });
  });

  it("keeps data's own eventId and occurredAt, and ignores ce_ headers in structured mode", () => {
    const own = { ...event, data: { ...data, eventId: 'own-1', occurredAt: '2024-05-02T00:00:00Z' } };
    const result = parseRecord(
      record(own, 'application/cloudevents+json', { ce_id: Buffer.from('hdr') }),
      ctx,
    );
    expect(result).toMatchObject({
      ok: true,
      entry: { eventId: 'own-1', occurredAt: '2024-05-02T00:00:00.000Z' },
    });
  });

  it('without the content type, the same value is a plain event and fails the contract', () => {
    const result = parseRecord(record(event, undefined), ctx);
    expect(result.ok).toBe(false);
  });

  it.each([
    [{ ...event, specversion: '0.3' }, 'specversion must be "1.0"'],
    [{ ...event, id: '' }, 'id must be a non-empty string'],
    [{ ...event, source: undefined }, 'source must be a non-empty string'],
    [{ ...event, type: 3 }, 'type must be a non-empty string'],
    [{ ...event, time: 5 }, 'time must be a string'],
    [
      { ...event, data: undefined, data_base64: 'e30=' },
      'data_base64 is not accepted: the event must be JSON `data`',
    ],
    [
      { ...event, datacontenttype: 'text/xml' },
      'datacontenttype must be application/json (or another +json type)',
    ],
    [{ ...event, data: [data] }, 'data must be the lifecycle event, a JSON object'],
  ])('rejects %j: %s', (value, reason) => {
    expect(unwrapStructured(value as Record<string, unknown>, 'application/cloudevents+json')).toEqual({
      ok: false,
      reason: `CloudEvent (structured mode): ${reason}`,
    });
  });

  it('validates data like any event: a missing time and no occurredAt names occurredAt', () => {
    const result = parseRecord(record({ ...event, time: undefined }, 'application/cloudevents+json'), ctx);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('occurredAt') });
  });
});
