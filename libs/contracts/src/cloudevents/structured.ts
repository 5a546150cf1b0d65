/**
 * CloudEvents Kafka protocol binding, structured content mode: the record value is the
 * whole event (`specversion`, `id`, `source`, `type`, `time`, `data`, …) and the record's
 * `content-type` header says `application/cloudevents+json`. The contract's lifecycle
 * event is the CloudEvent's `data`; `id` and `time` stand in for `eventId` and
 * `occurredAt` when `data` lacks them (as `ce_id` / `ce_time` do in binary mode).
 */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';

export type Unwrapped =
  | { ok: true; structured: false }
  | { ok: true; structured: true; obj: Record<string, unknown> }
  | { ok: false; reason: string };

const REQUIRED = ['id', 'source', 'type'] as const;

/** True for `application/cloudevents+json`, whatever its case and parameters (`; charset=utf-8`). */
export function isStructuredContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';')[0].trim().toLowerCase() === STRUCTURED_CONTENT_TYPE;
}

function isJsonMediaType(type: unknown): boolean {
  if (type === undefined) return true;
  if (typeof type !== 'string') return false;
  const media = type.split(';')[0].trim().toLowerCase();
  return media === 'application/json' || media.endsWith('+json');
}

/**
 * The lifecycle event a structured-mode record carries, or a rejection that says which
 * CloudEvents attribute is wrong; `{ structured: false }` for any other content type.
 */
export function unwrapStructured(value: Record<string, unknown>, contentType: string | undefined): Unwrapped {
  if (!isStructuredContentType(contentType)) return { ok: true, structured: false };
  const fail = (reason: string): Unwrapped => ({
    ok: false,
    reason: `CloudEvent (structured mode): ${reason}`,
  });
  if (value.specversion !== '1.0') return fail('specversion must be "1.0"');
  for (const attr of REQUIRED) {
    if (typeof value[attr] !== 'string' || value[attr] === '')
      return fail(`${attr} must be a non-empty string`);
  }
  if (value.time !== undefined && typeof value.time !== 'string') return fail('time must be a string');
  if (value.data_base64 !== undefined)
    return fail('data_base64 is not accepted: the event must be JSON `data`');
  if (!isJsonMediaType(value.datacontenttype)) {
    return fail('datacontenttype must be application/json (or another +json type)');
  }
  const data = value.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('data must be the lifecycle event, a JSON object');
  }
  const obj = { ...(data as Record<string, unknown>) };
  // As in binary mode, the payload wins when it has the field: attributes are envelope metadata.
  if (obj.eventId === undefined || obj.eventId === null) obj.eventId = value.id;
  if ((obj.occurredAt === undefined || obj.occurredAt === null) && value.time !== undefined)
    obj.occurredAt = value.time;
  return { ok: true, structured: true, obj };
}
