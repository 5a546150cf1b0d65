import fc from 'fast-check';
import type { NewEntry } from './entry-types';
import { parseRecord, ParseContext, RawRecord } from './parse-record';
import { TopicNames } from './topics';

const NOW = new Date('2024-06-01T00:00:00.000Z');
const SKEW_MS = 5 * 60_000;
const ctx: ParseContext = {
  topics: new TopicNames('', ['eu', 'us']),
  categories: new Set(['personal', 'audit-log']),
  regions: new Set(['eu', 'us']),
  now: NOW,
  maxFutureSkewMs: SKEW_MS,
  minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
  maxMessageBytes: 4096,
};

interface RecordOptions {
  key?: Buffer | string | null;
  headers?: RawRecord['headers'];
  offset?: string;
}

/** A record whose value is JSON of `value`, or the given bytes as they are. */
function record(topic: string, value: unknown, opts: RecordOptions = {}): RawRecord {
  const bytes = value === null || Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
  const key =
    opts.key === undefined
      ? Buffer.from('acme')
      : typeof opts.key === 'string'
        ? Buffer.from(opts.key)
        : opts.key;
  return { topic, partition: 3, offset: opts.offset ?? '42', key, value: bytes, headers: opts.headers ?? {} };
}

function reasonOf(raw: RawRecord, c: ParseContext = ctx): string {
  const result = parseRecord(raw, c);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.entry)}`);
  return result.reason;
}

function entryOf(raw: RawRecord, c: ParseContext = ctx): NewEntry {
  const result = parseRecord(raw, c);
  if (!result.ok) throw new Error(`expected an entry, got: ${result.reason}`);
  return result.entry;
}

const envelope = { eventId: 'ev-1', tenantId: 'acme', occurredAt: '2024-05-01T12:00:00Z' };
const created = { ...envelope, dataId: 'doc-9', category: 'personal', region: 'eu', store: 'files' };
const receipt = {
  commandId: 'cmd-1',
  tenantId: 'acme',
  region: 'eu',
  store: 'files',
  status: 'completed',
  completedAt: '2024-05-01T14:00:00+02:00',
};
const source = { topic: 'data-created', partition: 3, offset: '42' };

describe('parseRecord rejections', () => {
  describe('topic must be a contract topic', () => {
    it('rejects a foreign topic', () =>
      expect(reasonOf(record('orders', created))).toBe('topic "orders" is not a contract topic'));
    it('rejects a lifecycle topic without the configured prefix', () => {
      const prefixed = { ...ctx, topics: new TopicNames('prod.', ['eu', 'us']) };
      expect(reasonOf(record('data-created', created), prefixed)).toBe(
        'topic "data-created" is not a contract topic',
      );
    });
    it('rejects the commands topic (ingest does not consume it)', () =>
      expect(reasonOf(record('deletion-commands.eu', receipt))).toBe(
        'topic "deletion-commands.eu" is not a contract topic',
      ));
    it('rejects a receipts topic of an unconfigured region', () =>
      expect(reasonOf(record('deletion-receipts.ap', { ...receipt, region: 'ap' }))).toBe(
        'unknown region in topic "deletion-receipts.ap" (configured: eu, us)',
      ));
  });

  describe('value must not be empty', () => {
    it('rejects a null value (tombstone)', () =>
      expect(reasonOf(record('data-created', null))).toBe('empty value'));
    it('rejects a zero-length value', () =>
      expect(reasonOf(record('data-created', Buffer.alloc(0)))).toBe('empty value'));
  });

  describe('value must not exceed maxMessageBytes', () => {
    it('rejects one byte over, before decoding (even invalid UTF-8 reports the size)', () => {
      const bytes = Buffer.alloc(4097, 0xff);
      expect(reasonOf(record('data-created', bytes))).toBe(
        'oversized value: 4097 bytes exceeds the maximum of 4096',
      );
    });
    it('accepts exactly maxMessageBytes', () => {
      const base = JSON.stringify(created);
      const padded = base.slice(0, -1) + `,"pad":"${'p'.repeat(4096 - base.length - 9)}"}`;
      expect(Buffer.byteLength(padded)).toBe(4096);
      expect(parseRecord(record('data-created', Buffer.from(padded)), ctx).ok).toBe(true);
    });
  });

  describe('value must be UTF-8', () => {
    it.each([
      ['a stray 0xff byte', Buffer.from([0x7b, 0xff, 0x7d])],
      ['a truncated sequence', Buffer.from([0x7b, 0xc3, 0x7d])],
      ['an overlong encoding', Buffer.from([0x7b, 0xc0, 0xaf, 0x7d])],
      ['an encoded surrogate', Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d])],
      ['Latin-1 text', Buffer.from('{"eventId":"caf\xe9"}', 'latin1')],
    ])('rejects %s', (_case, bytes) =>
      expect(reasonOf(record('data-created', bytes))).toBe('value is not valid UTF-8'),
    );
    it('tolerates a leading BOM', () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(created))]);
      expect(parseRecord(record('data-created', bytes), ctx).ok).toBe(true);
    });
  });

  describe('value must be well-formed JSON', () => {
    it.each([
      ['a truncated object', '{"eventId":"ev-1"'],
      ['single quotes', "{'eventId':'ev-1'}"],
      ['a trailing comma', '{"eventId":"ev-1",}'],
      ['whitespace only', '   '],
    ])('rejects %s', (_case, text) =>
      expect(reasonOf(record('data-created', Buffer.from(text)))).toMatch(/^malformed JSON: /),
    );
  });

  describe('JSON value must be an object', () => {
    it.each([
      ['an array', [created], 'JSON value is an array, not an object'],
      ['null', 'null', 'JSON value is null, not an object'],
      ['a number', 42, 'JSON value is a number, not an object'],
      ['a string', 'hello', 'JSON value is a string, not an object'],
      ['a boolean', true, 'JSON value is a boolean, not an object'],
    ])('rejects %s', (_case, value, reason) => {
      const raw =
        value === 'null' ? record('data-created', Buffer.from('null')) : record('data-created', value);
      expect(reasonOf(raw)).toBe(reason);
    });
  });

  describe('schema violations name every failing field, in contract order', () => {
    it('reports one field', () =>
      expect(reasonOf(record('data-created', { ...created, tenantId: 'ac me' }, { key: null }))).toBe(
        'invalid field tenantId: must match [A-Za-z0-9._-]{1,64}',
      ));
    it('reports all fields of an empty object, envelope first', () =>
      expect(reasonOf(record('data-created', {}))).toBe(
        'invalid field eventId: is required; invalid field tenantId: is required; ' +
          'invalid field occurredAt: is required; invalid field dataId: is required; ' +
          'invalid field category: is required; invalid field region: is required; invalid field store: is required',
      ));
    it('orders fields the same whatever the JSON key order', () => {
      const a = reasonOf(
        record('legal-hold', { action: 'lift', eventId: '', occurredAt: 'x', holdId: 'h', tenantId: 'acme' }),
      );
      const b = reasonOf(
        record('legal-hold', { tenantId: 'acme', holdId: 'h', occurredAt: 'x', eventId: '', action: 'lift' }),
      );
      expect(a).toBe(b);
      expect(a).toBe(
        'invalid field eventId: must be 1-128 printable characters (no control characters); ' +
          'invalid field occurredAt: must be an RFC 3339 timestamp with an explicit offset or Z (e.g. 2024-05-01T12:00:00Z); ' +
          'invalid field action: must be one of: placed, released',
      );
    });
    it('rejects an occurredAt without offset', () =>
      expect(
        reasonOf(
          record('data-deleted', {
            ...envelope,
            occurredAt: '2024-05-01T12:00:00',
            dataId: 'd',
            deletedBy: 'user',
          }),
        ),
      ).toBe(
        'invalid field occurredAt: must be an RFC 3339 timestamp with an explicit offset or Z (e.g. 2024-05-01T12:00:00Z)',
      ));
    it('rejects an impossible occurredAt', () =>
      expect(
        reasonOf(record('subscription-ended', { ...envelope, occurredAt: '2023-02-29T00:00:00Z' })),
      ).toBe('invalid field occurredAt: is not a real date and time'));
    it('validates receipts against the receipt schema', () =>
      expect(reasonOf(record('deletion-receipts.eu', { ...receipt, status: 'done', deletedCount: -2 }))).toBe(
        'invalid field status: must be one of: completed, failed; invalid field deletedCount: must be an integer >= 0',
      ));
  });

  describe('category must be a policy category', () => {
    it('rejects an unknown category', () =>
      expect(reasonOf(record('data-created', { ...created, category: 'x' }))).toBe(
        'unknown category (known: personal, audit-log)',
      ));
    it('is case-sensitive', () =>
      expect(reasonOf(record('data-created', { ...created, category: 'Personal' }))).toBe(
        'unknown category (known: personal, audit-log)',
      ));
  });

  describe('region must be a configured region', () => {
    it('rejects data created in an unknown region', () =>
      expect(reasonOf(record('data-created', { ...created, region: 'ap' }))).toBe(
        'unknown region (configured: eu, us)',
      ));
    it('rejects a receipt naming an unknown region', () =>
      expect(reasonOf(record('deletion-receipts.eu', { ...receipt, region: 'ap' }))).toBe(
        'unknown region (configured: eu, us)',
      ));
  });

  describe('event time must not be far in the future', () => {
    const future = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    it('rejects occurredAt beyond now + maxFutureSkewMs', () =>
      expect(reasonOf(record('subscription-ended', { ...envelope, occurredAt: future(SKEW_MS + 1) }))).toBe(
        'occurredAt is far in the future (more than 300000 ms after 2024-06-01T00:00:00.000Z)',
      ));
    it('compares instants, not texts (an offset that puts it past the limit)', () =>
      expect(
        reasonOf(record('subscription-ended', { ...envelope, occurredAt: '2024-05-31T23:00:00-02:00' })),
      ).toMatch(/^occurredAt is far in the future/));
    it('accepts occurredAt exactly at the limit', () =>
      expect(
        entryOf(record('subscription-ended', { ...envelope, occurredAt: future(SKEW_MS) })).occurredAt,
      ).toBe('2024-06-01T00:05:00.000Z'));
    it('accepts events long past (backfills) down to MIN_OCCURRED_AT', () =>
      expect(
        parseRecord(record('subscription-ended', { ...envelope, occurredAt: '2000-01-01T00:00:00Z' }), ctx)
          .ok,
      ).toBe(true));
    it('rejects an event before MIN_OCCURRED_AT (backdating would rewrite the past)', () =>
      expect(
        reasonOf(record('subscription-ended', { ...envelope, occurredAt: '1999-12-31T23:59:59.999Z' })),
      ).toBe('occurredAt is before the earliest accepted time 2000-01-01T00:00:00.000Z (MIN_OCCURRED_AT)'));
    it('rejects a receipt completed before MIN_OCCURRED_AT', () =>
      expect(
        reasonOf(record('deletion-receipts.eu', { ...receipt, completedAt: '0001-01-01T00:00:00Z' })),
      ).toMatch(/^completedAt is before/));
    it.each([
      'issued:c-1',
      'receipt:c-1:completed:2024-01-01T00:00:00.000Z',
      'op:acme-retry-1',
      'policy:abc:1',
    ])('refuses a producer eventId that could squat a system entry (%s)', (eventId) =>
      expect(reasonOf(record('subscription-ended', { ...envelope, eventId }))).toMatch(
        /prefix ".*:" is reserved for entries the system writes/,
      ),
    );
    it('refuses a producer subjectId of the pseudonym form, without quoting it', () => {
      const subjectId = 'sp_abcdefghijklmnopqrstuvwxyz';
      const reason = reasonOf(record('user-deleted', { ...envelope, subjectId, deletedBy: 'admin' }));
      expect(reason).toBe(
        "subjectId: the form sp_ + 26 base32 characters is reserved for the ledger's pseudonyms",
      );
      // Not the form: an ordinary id that merely starts alike.
      expect(
        entryOf(record('user-deleted', { ...envelope, subjectId: 'sp_alice', deletedBy: 'admin' })).subject,
      ).toEqual({
        subjectId: 'sp_alice',
      });
    });
    it('a null-valued header is carried, and a null ce_id header is a reason, not a crash', () => {
      const ok = parseRecord(
        { ...record('subscription-ended', envelope), headers: { 'trace-id': null } },
        ctx,
      );
      expect(ok.ok).toBe(true);
      const { eventId: _drop, ...noId } = envelope;
      const raw = { ...record('subscription-ended', noId), headers: { ce_id: null } };
      expect(reasonOf(raw)).toBe('header ce_id has no value');
    });
    it("sanitises a failed receipt's error text: lone surrogates, NUL, bidi controls become U+FFFD", () => {
      const raw = record('deletion-receipts.eu', {
        ...receipt,
        status: 'failed',
        error: 'disk \ud800 broke\u0000\u202e',
      });
      const e = entryOf(raw);
      expect(e.data).toMatchObject({ error: 'disk \ufffd broke\ufffd\ufffd' });
    });
    it('rejects a receipt whose completedAt is far in the future', () =>
      expect(
        reasonOf(record('deletion-receipts.eu', { ...receipt, completedAt: '2030-01-01T00:00:00Z' })),
      ).toMatch(/^completedAt is far in the future/));
    it('follows ctx.now from one call to the next', () => {
      const raw = record('subscription-ended', { ...envelope, occurredAt: future(SKEW_MS + 1) });
      expect(parseRecord(raw, { ...ctx, now: new Date(NOW.getTime() + 1) }).ok).toBe(true);
      expect(parseRecord(raw, ctx).ok).toBe(false);
    });
  });

  describe('a Kafka key, when present, must equal tenantId', () => {
    it('rejects a different key', () =>
      expect(reasonOf(record('data-created', created, { key: 'globex' }))).toBe(
        'record key differs from tenantId',
      ));
    it('rejects a key that is not UTF-8', () =>
      expect(reasonOf(record('data-created', created, { key: Buffer.from([0xff]) }))).toBe(
        'record key differs from tenantId',
      ));
    it('quotes neither the key nor the tenantId (the dead letter carries both)', () =>
      expect(reasonOf(record('data-created', created, { key: 'k'.repeat(500) }))).toBe(
        'record key differs from tenantId',
      ));
    it('accepts no key', () =>
      expect(parseRecord(record('data-created', created, { key: null }), ctx).ok).toBe(true));
    it('treats an empty key as no key', () =>
      expect(parseRecord(record('data-created', created, { key: Buffer.alloc(0) }), ctx).ok).toBe(true));
    it('checks receipts too', () =>
      expect(reasonOf(record('deletion-receipts.eu', receipt, { key: 'globex' }))).toBe(
        'record key differs from tenantId',
      ));
  });

  describe('receipts: residency (semantics 7)', () => {
    it('rejects a receipt whose region differs from its topic region', () =>
      expect(reasonOf(record('deletion-receipts.eu', { ...receipt, region: 'us' }))).toBe(
        'receipt region does not match region eu of topic deletion-receipts.eu',
      ));
    it('accepts a receipt on its own region topic', () =>
      expect(parseRecord(record('deletion-receipts.us', { ...receipt, region: 'us' }), ctx).ok).toBe(true));
  });

  it('never throws, whatever the bytes, topic or headers', () => {
    const topic = fc.constantFrom(
      'data-created',
      'legal-hold',
      'user-deleted',
      'deletion-receipts.eu',
      'deletion-receipts.',
      'x',
    );
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      fc.json().map((j) => Buffer.from(j)),
      fc.constant(null),
    );
    const header = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
    );
    fc.assert(
      fc.property(
        topic,
        bytes,
        bytes,
        fc.dictionary(fc.constantFrom('ce_id', 'ce_time', 'x'), header),
        (t, value, key, headers) => {
          const result = parseRecord({ topic: t, partition: 0, offset: '0', key, value, headers }, ctx);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('parseRecord mappings', () => {
  it('data-created → DataCreated, subjectId only in subject', () => {
    expect(entryOf(record('data-created', { ...created, subjectId: 'user-1' }))).toEqual({
      eventId: 'ev-1',
      tenantId: 'acme',
      type: 'DataCreated',
      occurredAt: '2024-05-01T12:00:00.000Z',
      data: { dataId: 'doc-9', category: 'personal', region: 'eu', store: 'files' },
      subject: { subjectId: 'user-1' },
      source,
    });
  });

  it('data-created without subjectId → subject null', () => {
    expect(entryOf(record('data-created', created)).subject).toBeNull();
  });

  it('data objects carry only the contract fields: no producer extras, no undefined-valued keys', () => {
    const entry = entryOf(
      record('data-created', { ...created, subjectId: null, internal: 'x', data: { y: 1 } }),
    );
    expect(Object.keys(entry.data)).toEqual(['dataId', 'category', 'region', 'store']);
    expect(Object.keys(entry)).toEqual([
      'eventId',
      'tenantId',
      'type',
      'occurredAt',
      'data',
      'subject',
      'source',
    ]);
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
  });

  it.each(['user', 'admin'])('data-deleted (deletedBy %s) → DataDeleted', (deletedBy) => {
    expect(entryOf(record('data-deleted', { ...envelope, dataId: 'doc-9', deletedBy, extra: 1 }))).toEqual({
      eventId: 'ev-1',
      tenantId: 'acme',
      type: 'DataDeleted',
      occurredAt: '2024-05-01T12:00:00.000Z',
      data: { dataId: 'doc-9', deletedBy },
      subject: null,
      source: { ...source, topic: 'data-deleted' },
    });
  });

  it('user-deleted → UserDeleted, subjectId only in subject', () => {
    expect(entryOf(record('user-deleted', { ...envelope, subjectId: 'user-1', deletedBy: 'admin' }))).toEqual(
      {
        eventId: 'ev-1',
        tenantId: 'acme',
        type: 'UserDeleted',
        occurredAt: '2024-05-01T12:00:00.000Z',
        data: { deletedBy: 'admin' },
        subject: { subjectId: 'user-1' },
        source: { ...source, topic: 'user-deleted' },
      },
    );
  });

  it.each([
    ['subscription-ended', 'SubscriptionEnded'],
    ['subscription-reactivated', 'SubscriptionReactivated'],
  ])('%s → %s with empty data', (topic, type) => {
    expect(entryOf(record(topic, { ...envelope, reason: 'ignored extra' }))).toEqual({
      eventId: 'ev-1',
      tenantId: 'acme',
      type,
      occurredAt: '2024-05-01T12:00:00.000Z',
      data: {},
      subject: null,
      source: { ...source, topic },
    });
  });

  it.each([
    ['placed', 'LegalHoldPlaced'],
    ['released', 'LegalHoldReleased'],
  ])('legal-hold %s on a subject → %s, subjectId only in subject', (action, type) => {
    expect(
      entryOf(record('legal-hold', { ...envelope, holdId: 'case-7', action, subjectId: 'user-1' })),
    ).toEqual({
      eventId: 'ev-1',
      tenantId: 'acme',
      type,
      occurredAt: '2024-05-01T12:00:00.000Z',
      data: { holdId: 'case-7' },
      subject: { subjectId: 'user-1' },
      source: { ...source, topic: 'legal-hold' },
    });
  });

  it('legal-hold without subjectId (whole tenant) → subject null', () => {
    expect(
      entryOf(record('legal-hold', { ...envelope, holdId: 'case-7', action: 'placed' })).subject,
    ).toBeNull();
  });

  it('legal-hold placed with a data or category scope and its context keeps them in data', () => {
    const e = entryOf(
      record('legal-hold', {
        ...envelope,
        holdId: 'case-7',
        action: 'placed',
        dataId: 'doc-9',
        category: 'audit-log',
        reason: 'litigation',
        caseRef: 'C-1',
        placedBy: 'legal@acme',
      }),
    );
    expect(e.data).toEqual({
      holdId: 'case-7',
      dataId: 'doc-9',
      category: 'audit-log',
      reason: 'litigation',
      caseRef: 'C-1',
      placedBy: 'legal@acme',
    });
  });

  it('legal-hold with an unknown category is rejected', () => {
    expect(
      reasonOf(record('legal-hold', { ...envelope, holdId: 'h', action: 'placed', category: 'secret' })),
    ).toMatch(/^unknown category \(known: /);
  });

  it('a release keeps its context but no scope (it ends every placement of its id)', () => {
    const e = entryOf(
      record('legal-hold', {
        ...envelope,
        holdId: 'case-7',
        action: 'released',
        dataId: 'doc-9',
        reason: 'settled',
      }),
    );
    expect(e.data).toEqual({ holdId: 'case-7', reason: 'settled' });
  });

  it('subscription-ended with expedite: true → data { expedite: true }; a non-boolean is rejected', () => {
    expect(entryOf(record('subscription-ended', { ...envelope, expedite: true })).data).toEqual({
      expedite: true,
    });
    expect(entryOf(record('subscription-ended', { ...envelope, expedite: false })).data).toEqual({});
    expect(reasonOf(record('subscription-ended', { ...envelope, expedite: 'yes' }))).toMatch(/expedite/);
  });

  it('data-restored → DataRestored; user-restored → UserRestored with the subject in the subject part', () => {
    expect(entryOf(record('data-restored', { ...envelope, dataId: 'doc-9' }))).toMatchObject({
      type: 'DataRestored',
      data: { dataId: 'doc-9' },
      subject: null,
    });
    expect(entryOf(record('user-restored', { ...envelope, subjectId: 'user-1' }))).toMatchObject({
      type: 'UserRestored',
      data: {},
      subject: { subjectId: 'user-1' },
    });
    expect(reasonOf(record('user-restored', envelope))).toMatch(/subjectId/);
  });

  it('occurredAt is normalised to UTC milliseconds', () => {
    const e = entryOf(
      record('subscription-ended', { ...envelope, occurredAt: '2024-05-01t14:00:00.123456+02:00' }),
    );
    expect(e.occurredAt).toBe('2024-05-01T12:00:00.123Z');
  });

  it('source is the record topic, partition and offset', () => {
    const e = entryOf(record('data-created', created, { offset: '9007199254740993' }));
    expect(e.source).toEqual({ topic: 'data-created', partition: 3, offset: '9007199254740993' });
  });

  it('works under a topic prefix', () => {
    const prefixed = { ...ctx, topics: new TopicNames('prod.', ['eu', 'us']) };
    expect(entryOf(record('prod.data-created', created), prefixed).type).toBe('DataCreated');
    expect(entryOf(record('prod.deletion-receipts.eu', receipt), prefixed).type).toBe('DeletionConfirmed');
  });

  describe('receipts', () => {
    const receiptSource = { topic: 'deletion-receipts.eu', partition: 3, offset: '42' };

    it('completed → DeletionConfirmed with a deterministic eventId and occurredAt = completedAt', () => {
      expect(
        entryOf(record('deletion-receipts.eu', { ...receipt, deletedCount: 3, error: 'ignored' })),
      ).toEqual({
        eventId: 'receipt:cmd-1:completed:2024-05-01T12:00:00.000Z',
        tenantId: 'acme',
        type: 'DeletionConfirmed',
        occurredAt: '2024-05-01T12:00:00.000Z',
        data: {
          commandId: 'cmd-1',
          region: 'eu',
          store: 'files',
          completedAt: '2024-05-01T12:00:00.000Z',
          deletedCount: 3,
        },
        subject: null,
        source: receiptSource,
      });
    });

    it('completed without deletedCount leaves the key out', () => {
      const e = entryOf(record('deletion-receipts.eu', receipt));
      expect(Object.keys(e.data)).toEqual(['commandId', 'region', 'store', 'completedAt']);
    });

    it('failed → DeletionFailed with the error text', () => {
      const e = entryOf(
        record('deletion-receipts.eu', { ...receipt, status: 'failed', error: 'disk full', deletedCount: 1 }),
      );
      expect(e).toEqual({
        eventId: 'receipt:cmd-1:failed:2024-05-01T12:00:00.000Z',
        tenantId: 'acme',
        type: 'DeletionFailed',
        occurredAt: '2024-05-01T12:00:00.000Z',
        data: {
          commandId: 'cmd-1',
          region: 'eu',
          store: 'files',
          completedAt: '2024-05-01T12:00:00.000Z',
          error: 'disk full',
        },
        subject: null,
        source: receiptSource,
      });
    });

    it('failed without error leaves the key out', () => {
      const e = entryOf(record('deletion-receipts.eu', { ...receipt, status: 'failed' }));
      expect(Object.keys(e.data)).toEqual(['commandId', 'region', 'store', 'completedAt']);
    });

    it('a redelivered receipt gets the same eventId, even spelled with another offset', () => {
      const a = entryOf(record('deletion-receipts.eu', receipt, { offset: '1' }));
      const b = entryOf(
        record(
          'deletion-receipts.eu',
          { ...receipt, completedAt: '2024-05-01T12:00:00.000Z' },
          { offset: '2' },
        ),
      );
      expect(b.eventId).toBe(a.eventId);
      expect(b.data).toEqual(a.data);
    });
  });
});

describe('parseRecord CloudEvents binary mode', () => {
  const { eventId: _e, occurredAt: _o, ...bare } = envelope;

  it('ce_id (a Buffer) stands in for a missing eventId', () => {
    const e = entryOf(
      record(
        'subscription-ended',
        { ...envelope, eventId: undefined },
        { headers: { ce_id: Buffer.from('ce-1') } },
      ),
    );
    expect(e.eventId).toBe('ce-1');
  });

  it('ce_time (a string) stands in for a missing occurredAt, normalised', () => {
    const e = entryOf(
      record(
        'subscription-ended',
        { eventId: 'ev-1', tenantId: 'acme' },
        { headers: { ce_time: '2024-05-01T14:00:00+02:00' } },
      ),
    );
    expect(e.occurredAt).toBe('2024-05-01T12:00:00.000Z');
  });

  it('both headers stand in together; other ce_* headers are ignored', () => {
    const headers = {
      ce_id: Buffer.from('ce-1'),
      ce_time: Buffer.from('2024-05-01T12:00:00Z'),
      ce_type: Buffer.from('x'),
    };
    const e = entryOf(record('subscription-ended', bare, { headers }));
    expect([e.eventId, e.occurredAt]).toEqual(['ce-1', '2024-05-01T12:00:00.000Z']);
  });

  it('a null field in the value counts as missing', () => {
    const e = entryOf(
      record('subscription-ended', { ...envelope, eventId: null }, { headers: { ce_id: 'ce-1' } }),
    );
    expect(e.eventId).toBe('ce-1');
  });

  it('the value wins when both are present and differ', () => {
    const headers = { ce_id: Buffer.from('ce-other'), ce_time: Buffer.from('2020-01-01T00:00:00Z') };
    const e = entryOf(record('subscription-ended', envelope, { headers }));
    expect([e.eventId, e.occurredAt]).toEqual(['ev-1', '2024-05-01T12:00:00.000Z']);
  });

  it('a header standing in is validated like the field, and the reason says where it came from', () => {
    expect(
      reasonOf(
        record('subscription-ended', bare, { headers: { ce_id: 'ce-1', ce_time: '2024-05-01T12:00:00' } }),
      ),
    ).toBe(
      'invalid field occurredAt (from header ce_time): must be an RFC 3339 timestamp with an explicit offset or Z (e.g. 2024-05-01T12:00:00Z)',
    );
  });

  it('a header standing in is subject to the future check', () => {
    expect(
      reasonOf(
        record('subscription-ended', bare, { headers: { ce_id: 'ce-1', ce_time: '2031-01-01T00:00:00Z' } }),
      ),
    ).toMatch(/^occurredAt is far in the future/);
  });

  it('without value field or header, the field is reported missing', () => {
    expect(reasonOf(record('subscription-ended', bare))).toBe(
      'invalid field eventId: is required; invalid field occurredAt: is required',
    );
  });

  it('rejects a needed header that is not UTF-8', () => {
    expect(
      reasonOf(
        record(
          'subscription-ended',
          { ...envelope, eventId: undefined },
          { headers: { ce_id: Buffer.from([0xff]) } },
        ),
      ),
    ).toBe('header ce_id is not valid UTF-8');
  });

  it('accepts a repeated header whose copies agree', () => {
    const e = entryOf(
      record(
        'subscription-ended',
        { ...envelope, eventId: undefined },
        { headers: { ce_id: [Buffer.from('a'), 'a'] } },
      ),
    );
    expect(e.eventId).toBe('a');
  });

  it('rejects a repeated header whose copies differ', () => {
    expect(
      reasonOf(
        record('subscription-ended', { ...envelope, eventId: undefined }, { headers: { ce_id: ['a', 'b'] } }),
      ),
    ).toBe('header ce_id is repeated with different values');
  });

  it('ignores a broken header the value does not need', () => {
    const e = entryOf(record('subscription-ended', envelope, { headers: { ce_id: Buffer.from([0xff]) } }));
    expect(e.eventId).toBe('ev-1');
  });
});
