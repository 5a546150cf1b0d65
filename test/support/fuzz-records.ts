/* eslint-disable no-control-regex -- control characters are exactly what these patterns find */
import { LIFECYCLE_TOPICS, type LifecycleTopic } from '@app/contracts';

/** The campaigns' one seeded generator (mulberry32): the campaign is reproducible from its printed seed. */
export { seededRandom as prng } from './campaign';

export type Header = Buffer | string | null;

export interface FuzzRecord {
  /** `lifecycle:<name>` or `receipts:<region>`. */
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, Header>;
  kind: string;
}

const OK_TIME = '2026-01-01T00:00:00Z';

/** A valid value for each topic (tenant `tenant`), to be broken one field at a time. */
export function validValue(topic: string, tenant: string, id: string): Record<string, unknown> {
  const env = { eventId: id, tenantId: tenant, occurredAt: OK_TIME };
  switch (topic) {
    case 'lifecycle:data-created':
      return {
        ...env,
        dataId: `d-${id}`,
        category: 'personal',
        region: 'eu',
        store: 'main',
        subjectId: 'u-1',
      };
    case 'lifecycle:data-deleted':
      return { ...env, dataId: `d-${id}`, deletedBy: 'user' };
    case 'lifecycle:user-deleted':
      return { ...env, subjectId: 'u-1', deletedBy: 'admin' };
    case 'lifecycle:legal-hold':
      return { ...env, holdId: `h-${id}`, action: 'placed', subjectId: 'u-1' };
    case 'lifecycle:subscription-ended':
    case 'lifecycle:subscription-reactivated':
      return env;
    default:
      return {
        commandId: `c-${id}`,
        tenantId: tenant,
        region: topic.split(':')[1],
        store: 'main',
        status: 'failed',
        completedAt: OK_TIME,
        error: 'disk full',
      };
  }
}

export const FUZZ_TOPICS = [
  ...LIFECYCLE_TOPICS.map((t: LifecycleTopic) => `lifecycle:${t}`),
  'receipts:eu',
  'receipts:us',
];

/** Values no field of the contract accepts, whatever the field (ids, names, enums, times, counts). */
const WRONG: unknown[] = [
  null,
  '',
  5,
  -1,
  1.5,
  true,
  [],
  {},
  ['x'],
  'x'.repeat(300),
  'a\u0000b',
  'a\nb',
  'a\u0085b',
  'a\u202eb',
  '\ud800',
  'x\udc00y',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-01-01T00:00:00',
  '2026-02-30T00:00:00Z',
];

/** Wrong values that only some fields refuse are left out: each mutation must be bad for sure. */
function wrongFor(field: string, r: () => number): unknown {
  if (field === 'error') return [5, true, [], {}, 'x'.repeat(5000)][Math.floor(r() * 5)];
  if (field === 'deletedCount') return [-1, 1.5, 'x', true, [], {}][Math.floor(r() * 6)];
  if (field === 'eventId')
    return [
      ...WRONG.filter(
        (w) =>
          w !== '0001-01-01T00:00:00Z' &&
          w !== '9999-12-31T23:59:59Z' &&
          w !== '2026-01-01T00:00:00' &&
          w !== '2026-02-30T00:00:00Z',
      ),
      'issued:c-1',
      'receipt:x',
      'policy:y',
    ][Math.floor(r() * 20)];
  if (field === 'occurredAt' || field === 'completedAt') {
    return [
      '0001-01-01T00:00:00Z',
      '1999-12-31T23:59:59Z',
      '9999-12-31T23:59:59Z',
      '2999-01-01T00:00:00Z',
      '2026-01-01',
      null,
      5,
      '\ud800',
    ][Math.floor(r() * 8)];
  }
  // Ids and names: only values no id rule, name rule or enum accepts.
  const ids = WRONG.filter(
    (w) => typeof w !== 'string' || /[\u0000-\u001f\u0085\u202e\ud800-\udfff]|^$|^x{300}$/.test(w),
  );
  return ids[Math.floor(r() * ids.length)];
}

function randomBytes(r: () => number, max: number): Buffer {
  const n = Math.floor(r() * max);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/**
 * One bad record of a kind drawn at random: random bytes, truncated or deep JSON, a field
 * wrong (each in turn), lone surrogates in every string field, far-past and far-future
 * times; with null, binary or huge headers now and then. `n` makes ids unique.
 */
export function badRecord(r: () => number, n: number, tenant: string): FuzzRecord {
  const topic = FUZZ_TOPICS[Math.floor(r() * FUZZ_TOPICS.length)];
  const valid = validValue(topic, tenant, `fz-${n}`);
  const fields = Object.keys(valid);
  const pick = Math.floor(r() * 7);
  let value: Buffer | null;
  let kind: string;
  if (pick === 0) {
    kind = 'random-bytes';
    value = randomBytes(r, 400);
    // A random buffer could, very rarely, be a valid record: never with this lead byte.
    if (value.length > 0 && value[0] === 0x7b) value[0] = 0x00;
  } else if (pick === 1) {
    kind = 'truncated-json';
    const text = JSON.stringify(valid);
    value = Buffer.from(text.slice(0, Math.floor(r() * (text.length - 1))));
  } else if (pick === 2) {
    kind = 'deep-json';
    const depth = 1000 + Math.floor(r() * 7000);
    value = Buffer.from(
      r() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    );
  } else if (pick === 3) {
    const field = fields[n % fields.length];
    kind = `wrong-${field}`;
    const wrong = wrongFor(field, r);
    // Optional fields take null as "absent", which is valid.
    value = Buffer.from(
      JSON.stringify({ ...valid, [field]: wrong === null && field === 'subjectId' ? 5 : wrong }),
    );
  } else if (pick === 4) {
    // A lone surrogate in a string field, as a JSON escape (the text itself is valid UTF-8).
    const strings = fields.filter((f) => typeof valid[f] === 'string' && f !== 'error');
    const field = strings[n % strings.length];
    kind = `surrogate-${field}`;
    const text = JSON.stringify({ ...valid, [field]: `${String(valid[field])}\u0001SURR` });
    value = Buffer.from(text.replace('\\u0001SURR', n % 2 === 0 ? '\\ud800' : '\\udfff'));
  } else if (pick === 5) {
    kind = 'time';
    const field = 'occurredAt' in valid ? 'occurredAt' : 'completedAt';
    const times = [
      '0001-01-01T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '1999-12-31T23:59:59.999Z',
      '2999-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ];
    value = Buffer.from(JSON.stringify({ ...valid, [field]: times[Math.floor(r() * times.length)] }));
  } else {
    kind = 'not-object';
    value = Buffer.from(
      ['[1,2]', '"text"', '42', 'null', 'true', '', '\u0001'.repeat(2000)][Math.floor(r() * 7)],
    );
    if (value.length === 0 && r() < 0.5) value = null;
  }
  const headers: Record<string, Header> = { 'fuzz-id': String(n) };
  const h = r();
  if (h < 0.1) headers['trace-id'] = null;
  else if (h < 0.2) headers.bin = randomBytes(r, 64);
  else if (h < 0.205) headers.huge = Buffer.alloc(100_000, 0x01);
  else if (h < 0.25) headers.ce_id = null;
  return { topic, key: tenant, value, headers, kind };
}
