import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawRecord, TopicNames } from '@app/contracts';
import { LedgerStore, openLedger } from '@app/ledger';
import type { Rejection } from '@app/kafka';
import { MARKER, markerFragments } from '@app/contracts/testing/marker-records';
import { Ingestor } from './ingestor';

const topics = new TopicNames('', ['eu']);

function record(offset: number, value: Record<string, unknown>): RawRecord {
  return {
    topic: topics.lifecycle('data-created'),
    partition: 0,
    offset: String(offset),
    key: Buffer.from('acme'),
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
  };
}

function created(n: number, over: Record<string, unknown> = {}) {
  return {
    eventId: `e-${n}`,
    tenantId: 'acme',
    occurredAt: '2026-01-01T00:00:00Z',
    dataId: `d-${n}`,
    category: 'personal',
    region: 'eu',
    store: 'main',
    ...over,
  };
}

/**
 * A real SQLite ledger behind a store that adds faults: `refuse` plays a stricter store
 * refusing one entry's data (PostgreSQL 22P05 untranslatable character), `busy` a locked
 * database for the first n appends.
 */
function faulty(
  ledger: LedgerStore,
  opts: { refuse?: string; busy?: number; refusal?: { message: string; code: string } },
): LedgerStore {
  let busy = opts.busy ?? 0;
  return new Proxy(ledger, {
    get(target, prop, receiver) {
      if (prop !== 'appendBatch') return Reflect.get(target, prop, receiver) as unknown;
      return async (entries: Parameters<LedgerStore['appendBatch']>[0]) => {
        if (busy-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        if (entries.some((e) => e.eventId === opts.refuse))
          throw Object.assign(new Error(opts.refusal?.message ?? 'untranslatable character'), {
            code: opts.refusal?.code ?? '22P05',
          });
        return target.appendBatch(entries);
      };
    },
  });
}

describe('Ingestor: per-record isolation and transient faults', () => {
  let dir: string;
  let ledger: LedgerStore;
  let dead: Rejection[];
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ingestor-'));
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    dead = [];
  });
  afterEach(async () => {
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const ingestor = (store: LedgerStore) =>
    new Ingestor({
      ledger: store,
      now: () => new Date('2026-06-01T00:00:00Z'),
      sleep: async () => undefined,
      deadLetter: async (r) => void dead.push(...r),
      parseContext: () => ({
        topics,
        categories: new Set(['personal', 'audit-log']),
        regions: new Set(['eu']),
        now: new Date('2026-06-01T00:00:00Z'),
        maxFutureSkewMs: 0,
        minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
        maxMessageBytes: 1 << 20,
      }),
    });

  it('an entry the store refuses for its data is isolated by bisection; the rest of the batch is appended', async () => {
    const ing = ingestor(faulty(ledger, { refuse: 'e-5' }));
    await ing.handle(Array.from({ length: 12 }, (_, i) => record(i, created(i))));
    expect((await ledger.counts()).entries).toBe(11);
    expect(dead.map((d) => [d.record.offset, d.reason])).toEqual([
      ['5', 'the ledger refused the entry: untranslatable character'],
    ]);
    expect(ing.counters).toMatchObject({ appended: 11, isolated: 1, rejected: 1 });
  });

  it("no reason of the ledger's own checks quotes a value: conflicts, duplicates, a store's refusal", async () => {
    const marked = (n: number, over: Record<string, unknown> = {}) =>
      created(n, { dataId: `${MARKER}-${n}`, subjectId: MARKER, store: `${MARKER}-store`, ...over });
    // PostgreSQL quotes the value it could not take (22P02 invalid_text_representation).
    const refusal = { message: `invalid input syntax for type json: "${MARKER}"`, code: '22P02' };
    const ing = ingestor(faulty(ledger, { refuse: 'e-9', refusal }));
    await ing.handle([record(0, marked(0)), record(1, marked(1))]);
    await ing.handle([
      record(2, marked(0, { eventId: 'e-2', category: 'audit-log', store: `${MARKER}-other` })),
      record(3, { ...marked(1), subjectId: `${MARKER}-changed` }),
      record(9, marked(9)),
    ]);
    dead.sort((a, b) => Number(a.record.offset) - Number(b.record.offset));
    expect(dead.map((d) => d.record.offset)).toEqual(['2', '3', '9']);
    for (const d of dead)
      expect({ reason: d.reason, fragments: markerFragments(d.reason) }).toEqual({
        reason: d.reason,
        fragments: [],
      });
    expect(dead.map((d) => d.reason)).toEqual([
      'conflict: this dataId was created before with another category and store; a dataId keeps the category, region and store it was created with',
      'eventId is already in the ledger with a different payload (tenantId, type, occurredAt, data or subject differ)',
      'the ledger refused the entry: the store refused it (22P02)',
    ]);
  });

  it('a transient store fault is retried with backoff and dead-letters nothing', async () => {
    const ing = ingestor(faulty(ledger, { busy: 3 }));
    await ing.handle([record(0, created(0)), record(1, created(1))]);
    expect((await ledger.counts()).entries).toBe(2);
    expect(dead).toEqual([]);
    expect(ing.counters).toMatchObject({ appended: 2, transientRetries: 3, rejected: 0 });
  });

  it('a second data-created that disagrees on category, region or store is a conflict, in the ledger or the same batch', async () => {
    const ing = ingestor(ledger);
    await ing.handle([record(0, created(0))]);
    await ing.handle([
      record(1, created(1, { dataId: 'd-0', category: 'audit-log' })),
      record(2, created(2, { dataId: 'd-0' })),
      record(3, created(3, { dataId: 'd-new' })),
      record(4, created(4, { dataId: 'd-new', store: 'archive' })),
    ]);
    expect(dead.map((d) => [d.record.offset, d.reason.replace(/;.*/, '')])).toEqual([
      ['1', 'conflict: this dataId was created before with another category'],
      ['4', 'conflict: this dataId was created before with another store'],
    ]);
    expect((await ledger.counts()).entries).toBe(3);
  });

  it('reads a stream again only when another writer moved its head, and then sees what it appended', async () => {
    const reads: string[] = [];
    const counting = new Proxy(ledger, {
      get(target, prop, receiver) {
        if (prop !== 'readStream') return Reflect.get(target, prop, receiver) as unknown;
        return (tenantId: string, from?: number) => {
          reads.push(`${tenantId}@${from}`);
          return target.readStream(tenantId, from);
        };
      },
    });
    const ing = ingestor(counting);
    await ing.handle([record(0, created(0)), record(1, created(1))]);
    // Its own appends are known without reading them back.
    await ing.handle([record(2, created(2, { dataId: 'd-0', store: 'archive' }))]);
    expect(reads).toEqual([]);
    // Another writer's data-created for the tenant, between two batches.
    await ledger.appendBatch([
      {
        eventId: 'other-1',
        tenantId: 'acme',
        type: 'DataCreated',
        occurredAt: '2026-01-01T00:00:00.000Z',
        data: { dataId: 'd-other', category: 'personal', region: 'eu', store: 'main' },
        subject: null,
        source: null,
      },
    ]);
    await ing.handle([record(3, created(3, { dataId: 'd-other', store: 'archive' }))]);
    expect(reads).toEqual(['acme@3']);
    // Reasons quote no value (docs/bad-input.md), so the records are told apart by offset.
    const conflict =
      'conflict: this dataId was created before with another store; a dataId keeps the category, region and store it was created with';
    expect(dead.map((d) => [d.record.offset, d.reason])).toEqual([
      ['2', conflict],
      ['3', conflict],
    ]);
  });

  it('a producer eventId in the system namespace is refused', async () => {
    const ing = ingestor(ledger);
    await ing.handle([record(0, created(0, { eventId: 'issued:c-1' }))]);
    expect(dead[0]?.reason).toMatch(/prefix "issued:" is reserved/);
    expect((await ledger.counts()).entries).toBe(0);
  });
});
