import { randomUUID } from 'node:crypto';
import type { EntryFacts, LedgerEntry, NewEntry, PlainSubject, SubjectPart } from '@app/contracts/entry-types';
import { LedgerInputError } from '../append-plan';
import { UnknownTenantError } from '../ledger-errors';
import { GENESIS_HASH } from '../hash-chain';
import { streamHeadOf, type AppendOutcome, type LedgerStore } from '../ledger-store';
import { factsOf } from '../stream-groups';

/** Stored columns a tamper test may change (the SQL adapters share these names). */
export type LedgerColumn =
  | 'data_json'
  | 'occurred_at'
  | 'type'
  | 'prev_hash'
  | 'hash'
  | 'subject_json'
  | 'source_json'
  | 'recorded_at';

/** Direct access to a SQL store, bypassing the port — what a DBA or an attacker has. */
export interface RawLedgerAccess {
  /** A plain UPDATE of one stored value; the store must refuse it. */
  update(tenantId: string, position: number, column: LedgerColumn, value: string): Promise<void>;
  /** A plain DELETE of one entry; the store must refuse it. */
  delete(tenantId: string, position: number): Promise<void>;
  /** Changes one stored value with the append-only guard switched off, then puts the guard back. */
  tamper(tenantId: string, position: number, column: LedgerColumn, value: string): Promise<void>;
}

export interface LedgerHarness {
  store: LedgerStore;
  /** Present for stores that can be reached around the port (SQL); absent for EventStoreDB. */
  raw?: RawLedgerAccess;
  /** Closes the store and removes whatever the harness created (files, schema, streams). */
  dispose(): Promise<void>;
}

const HEX64 = /^[0-9a-f]{64}$/;

function appended(outcome: AppendOutcome): LedgerEntry {
  if (outcome.status !== 'appended') throw new Error(`expected appended, got ${JSON.stringify(outcome)}`);
  return outcome.entry;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Entry builders whose eventIds are unique per harness run (EventStoreDB claims outlive a test). */
function entryFactory() {
  const run = randomUUID().slice(0, 8);
  let n = 0;
  return {
    data(tenantId: string, overrides: Partial<NewEntry<'DataCreated'>> = {}): NewEntry<'DataCreated'> {
      n++;
      return {
        eventId: `${run}-evt-${n}`,
        tenantId,
        type: 'DataCreated',
        occurredAt: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(),
        data: { dataId: `data-${n}`, category: 'personal', region: 'eu', store: 'crm' },
        subject: { subjectId: `user-${n % 3}@example.com` },
        source: { topic: 'data-created', partition: n % 4, offset: String(1000 + n) },
        ...overrides,
      };
    },
    policy(tenantId: string): NewEntry<'PolicyActivated'> {
      n++;
      return {
        eventId: `${run}-evt-${n}`,
        tenantId,
        type: 'PolicyActivated',
        occurredAt: '2024-01-01T00:00:00.000Z',
        data: {
          version: 'v1',
          contentHash: 'abc',
          // Unicode, number formats and nesting must survive storage exactly (they are hashed).
          policy: {
            z: [1, 2.5, -0.125, 1e21, 'é😀\n"q"'],
            a: { nested: { deep: true } },
            n: null,
            '': 'empty key',
          },
        },
        subject: null,
        source: null,
      };
    },
    tenant(): string {
      return `t-${run}-${++n}`;
    },
  };
}

export interface ConformanceOptions {
  /** Whether the harness provides `raw` (SQL stores); the UPDATE/DELETE/tamper tests are skipped otherwise. */
  rawAccess?: boolean;
}

/**
 * The behaviour every LedgerStore adapter must show (DESIGN.md, semantics 1-2).
 * `factory` gives a fresh, empty ledger per test.
 */
export function describeLedgerConformance(
  name: string,
  factory: () => Promise<LedgerHarness>,
  options: ConformanceOptions = { rawAccess: true },
): void {
  // Decided when the suite is declared, so a store without raw access shows these as skipped, not passed.
  const itRaw = options.rawAccess === false ? it.skip : it;

  describe(`${name}: LedgerStore conformance`, () => {
    let h: LedgerHarness;
    let store: LedgerStore;
    let make: ReturnType<typeof entryFactory>;

    beforeEach(async () => {
      h = await factory();
      store = h.store;
      make = entryFactory();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('reads back exactly what was appended, with the envelope it added', async () => {
      const [a, b] = [make.tenant(), make.tenant()];
      const input: NewEntry[] = [make.data(a), make.policy(b), make.data(a, { subject: null, source: null })];
      const recordedAt = new Date('2024-05-01T12:00:00.123Z');
      const outcomes = await store.appendBatch(input, recordedAt);
      const entries = outcomes.map(appended);
      entries.forEach((entry, i) =>
        expect(entry).toEqual({
          ...input[i],
          streamPosition: expect.any(Number),
          globalPosition: expect.any(String),
          recordedAt: recordedAt.toISOString(),
          // What the hash covers of the subject part: its digest, never the salt.
          subjectDigest: input[i].subject === null ? null : expect.stringMatching(HEX64),
          prevHash: expect.stringMatching(HEX64),
          hash: expect.stringMatching(HEX64),
        }),
      );
      // The subject part comes back as the contract's SubjectPart: no salt or digest leaks out.
      expect(entries[0].subject).toStrictEqual({ subjectId: (input[0].subject as PlainSubject).subjectId });
      expect(await collect(store.readStream(a))).toEqual([entries[0], entries[2]]);
      expect(await collect(store.readStream(b))).toEqual([entries[1]]);
      expect((await store.readAll()).entries).toEqual(entries);
    });

    it('keeps a sealed subject part as given: read back, verified, and a redelivery matched by its pseudonym', async () => {
      const a = make.tenant();
      const sealed = { pseudonym: 'sp_aaaaaaaaaaaaaaaaaaaaaaaaaa', ciphertext: 'sk1.first-encryption' };
      const entry = make.data(a, { subject: sealed });
      const [first] = (await store.appendBatch([entry, make.data(a)])).map(appended);
      expect(first.subject).toStrictEqual(sealed);
      expect((await collect(store.readStream(a)))[0]).toEqual(first);
      expect((await collect(store.readStreams([{ tenantId: a }])))[0][0].subject).toStrictEqual(sealed);
      // A redelivery is sealed again (a fresh nonce): same pseudonym, another ciphertext, same fact.
      const again = { ...entry, subject: { ...sealed, ciphertext: 'sk1.second-encryption' } };
      expect(await store.appendBatch([again])).toEqual([{ status: 'duplicate', eventId: entry.eventId }]);
      // Another pseudonym is another subject: a conflict, not a duplicate.
      const other = { ...entry, subject: { ...sealed, pseudonym: 'sp_bbbbbbbbbbbbbbbbbbbbbbbbbb' } };
      expect((await store.appendBatch([other]))[0].status).toBe('conflict');
      // The plaintext form of the same eventId is another payload too.
      expect((await store.appendBatch([{ ...entry, subject: { subjectId: 'x' } }]))[0].status).toBe(
        'conflict',
      );
      expect(await store.verify()).toEqual({ ok: true, entries: 2, streams: 1 });
    });

    it('tells the stored subject parts of a batch of eventIds in one call', async () => {
      if (store.storedSubjects === undefined) return; // optional: callers fall back to findByEventId
      const a = make.tenant();
      const sealed = { pseudonym: 'sp_cccccccccccccccccccccccccc', ciphertext: 'sk1.x' };
      const entries = [make.data(a, { subject: sealed }), make.data(a), make.data(a, { subject: null })];
      await store.appendBatch(entries);
      const found = await store.storedSubjects([...entries.map((e) => e.eventId), 'never-stored']);
      expect(found).toEqual(
        new Map<string, SubjectPart | null>([
          [entries[0].eventId, sealed],
          [entries[1].eventId, { subjectId: (entries[1].subject as PlainSubject).subjectId }],
          [entries[2].eventId, null],
        ]),
      );
      expect(await store.storedSubjects([])).toEqual(new Map());
    });

    it('numbers each stream from 1 and links every entry to the previous hash', async () => {
      const [a, b] = [make.tenant(), make.tenant()];
      await store.appendBatch([make.data(a), make.data(b), make.data(a)]);
      await store.appendBatch([make.data(b), make.data(a)]);
      for (const [tenant, length] of [
        [a, 3],
        [b, 2],
      ] as const) {
        const stream = await collect(store.readStream(tenant));
        expect(stream.map((e) => e.streamPosition)).toEqual(Array.from({ length }, (_, i) => i + 1));
        expect(stream[0].prevHash).toBe(GENESIS_HASH);
        for (let i = 1; i < stream.length; i++) expect(stream[i].prevHash).toBe(stream[i - 1].hash);
        expect(new Set(stream.map((e) => e.hash)).size).toBe(length);
      }
      expect(await store.verify()).toEqual({ ok: true, entries: 5, streams: 2 });
    });

    it('reads a stream from a position (inclusive)', async () => {
      const a = make.tenant();
      await store.appendBatch([make.data(a), make.data(a), make.data(a), make.data(a)]);
      expect((await collect(store.readStream(a, 3))).map((e) => e.streamPosition)).toEqual([3, 4]);
      expect(await collect(store.readStream(a, 5))).toEqual([]);
      expect(await collect(store.readStream(make.tenant()))).toEqual([]);
    });

    it('treats a redelivery (same eventId, same payload) as a no-op, across batches', async () => {
      const a = make.tenant();
      const entry = make.data(a);
      const [first] = await store.appendBatch([entry], new Date('2024-01-01T00:00:00.000Z'));
      // Same fact from another offset, later: provenance and arrival time are not part of the payload.
      const again = await store.appendBatch(
        [{ ...entry, source: { topic: 'data-created', partition: 3, offset: '99999' } }],
        new Date('2024-02-01T00:00:00.000Z'),
      );
      expect(again).toEqual([{ status: 'duplicate', eventId: entry.eventId }]);
      expect(await collect(store.readStream(a))).toEqual([appended(first)]);
      expect(await store.counts()).toEqual({ entries: 1, streams: 1 });
    });

    it('treats a repeat inside the same batch as a duplicate', async () => {
      const a = make.tenant();
      const entry = make.data(a);
      const other = make.data(a);
      const outcomes = await store.appendBatch([entry, entry, other, { ...entry, source: null }]);
      expect(outcomes.map((o) => o.status)).toEqual(['appended', 'duplicate', 'appended', 'duplicate']);
      expect(appended(outcomes[2]).streamPosition).toBe(2);
      expect(await store.counts()).toEqual({ entries: 2, streams: 1 });
    });

    it('reports a conflict for the same eventId with a different payload, and stores nothing for it', async () => {
      const [a, b] = [make.tenant(), make.tenant()];
      const entry = make.data(a);
      await store.appendBatch([entry]);
      const changedData = { ...entry, data: { ...entry.data, store: 'billing' } };
      const otherTenant = { ...entry, tenantId: b };
      const otherSubject = { ...entry, subject: { subjectId: 'someone-else' } };
      const fresh = make.data(a);
      const outcomes = await store.appendBatch([changedData, fresh, otherTenant, otherSubject]);
      expect(outcomes.map((o) => o.status)).toEqual(['conflict', 'appended', 'conflict', 'conflict']);
      for (const o of [outcomes[0], outcomes[2], outcomes[3]]) {
        expect(o).toEqual({ status: 'conflict', eventId: entry.eventId, reason: expect.any(String) });
      }
      expect((await collect(store.readStream(a))).map((e) => e.eventId)).toEqual([
        entry.eventId,
        fresh.eventId,
      ]);
      expect(await collect(store.readStream(b))).toEqual([]);
    });

    it('reports a conflict inside one batch (first one wins)', async () => {
      const a = make.tenant();
      const entry = make.data(a);
      const outcomes = await store.appendBatch([entry, { ...entry, occurredAt: '2030-01-01T00:00:00.000Z' }]);
      expect(outcomes.map((o) => o.status)).toEqual(['appended', 'conflict']);
      expect(appended(outcomes[0]).occurredAt).toBe(entry.occurredAt);
    });

    it('refuses a batch with an unstorable entry as a whole', async () => {
      const a = make.tenant();
      const bad = make.data(a, { occurredAt: '' });
      await expect(store.appendBatch([make.data(a), bad])).rejects.toThrow(LedgerInputError);
      expect(await store.counts()).toEqual({ entries: 0, streams: 0 });
    });

    it('pages through all streams in global order with an exclusive cursor', async () => {
      const tenants = [make.tenant(), make.tenant(), make.tenant()];
      const all: LedgerEntry[] = [];
      for (let batch = 0; batch < 5; batch++) {
        const input = Array.from({ length: 5 }, (_, i) => make.data(tenants[(batch + i) % 3]));
        all.push(...(await store.appendBatch(input)).map(appended));
      }
      const seen: LedgerEntry[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const { entries, last } = await store.readAll(cursor, 7);
        expect(entries.length).toBeLessThanOrEqual(7);
        if (entries.length === 0) {
          expect(last).toBe(cursor);
          break;
        }
        expect(last).toBe(entries[entries.length - 1].globalPosition);
        seen.push(...entries);
        cursor = last;
      }
      expect(seen).toEqual(all);
      expect(new Set(seen.map((e) => e.globalPosition)).size).toBe(25);
      // A cursor from the middle resumes right after it.
      expect((await store.readAll(all[9].globalPosition, 2)).entries).toEqual(all.slice(10, 12));
      expect(await store.readAll(all[24].globalPosition)).toEqual({
        entries: [],
        last: all[24].globalPosition,
      });
    });

    it('reads every stream in groups, as the facts of its entries, each stream in order', async () => {
      const tenants = [make.tenant(), make.tenant(), make.tenant(), make.tenant()];
      for (let batch = 0; batch < 4; batch++) {
        const input: NewEntry[] = tenants.map((t, i) =>
          (batch + i) % 3 === 0 ? make.data(t, { subject: null, source: null }) : make.data(t),
        );
        if (batch === 1) input.push(make.policy(tenants[2]));
        await store.appendBatch(input);
      }
      for (const groupEntries of [1, 6, 1000]) {
        const seen = new Map<string, EntryFacts[]>();
        const closed = new Set<string>();
        let open = new Set<string>();
        const groups: number[] = [];
        for await (const page of store.readStreamsGrouped(groupEntries)) {
          for (const facts of page.facts) {
            // A stream a completed group held never shows up again.
            expect(closed.has(facts.tenantId)).toBe(false);
            open.add(facts.tenantId);
            seen.set(facts.tenantId, [...(seen.get(facts.tenantId) ?? []), facts]);
          }
          if (page.streamsComplete) {
            groups.push(open.size);
            for (const t of open) closed.add(t);
            open = new Set();
          }
        }
        expect(open.size).toBe(0);
        expect([...seen.keys()].sort()).toEqual([...tenants].sort());
        // Exactly what a stream read gives, less the envelope and the source.
        for (const t of tenants)
          expect(seen.get(t)).toEqual((await collect(store.readStream(t))).map(factsOf));
        if (groupEntries === 1) expect(Math.max(...groups)).toBe(1);
      }
    });

    it('reads several named streams at once, each below its bound, in pages', async () => {
      const tenants = [make.tenant(), make.tenant(), make.tenant()];
      for (let batch = 0; batch < 5; batch++) await store.appendBatch(tenants.map((t) => make.data(t)));
      const [a, b, c] = tenants;
      const requests = [
        { tenantId: a, before: 4 },
        { tenantId: b },
        { tenantId: c, before: 1 },
        { tenantId: make.tenant(), before: 3 },
      ];
      for (const pageEntries of [1, 3, 1000]) {
        const seen = new Map<string, EntryFacts[]>();
        for await (const page of store.readStreams(requests, pageEntries)) {
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(pageEntries);
          for (const facts of page) seen.set(facts.tenantId, [...(seen.get(facts.tenantId) ?? []), facts]);
        }
        // Each stream in order, exactly its prefix; an empty prefix or an unknown tenant gives nothing.
        expect([...seen.keys()].sort()).toEqual([a, b].sort());
        expect(seen.get(a)).toEqual((await collect(store.readStream(a, 1, 3))).map(factsOf));
        expect(seen.get(b)).toEqual((await collect(store.readStream(b))).map(factsOf));
      }
      expect(await collect(store.readStreams([]))).toEqual([]);
    });

    it('finds an entry by eventId, in any stream, and knows the last position', async () => {
      expect(await store.lastPosition()).toBeUndefined();
      const [a, b] = [make.tenant(), make.tenant()];
      const entries = (await store.appendBatch([make.data(a), make.policy(b), make.data(a)])).map(appended);
      expect(await store.findByEventId(entries[1].eventId)).toEqual(entries[1]);
      expect(await store.findByEventId(entries[2].eventId)).toEqual(entries[2]);
      expect(await store.findByEventId('no-such-event')).toBeUndefined();
      expect(await store.lastPosition()).toBe(entries[2].globalPosition);
      // The last position is a cursor: nothing comes after it.
      expect((await store.readAll(await store.lastPosition())).entries).toEqual([]);
    });

    it('reads at most `limit` entries of a stream', async () => {
      const t = make.tenant();
      await store.appendBatch(Array.from({ length: 5 }, () => make.data(t)));
      const page = await collect(store.readStream(t, 2, 3));
      expect(page.map((e) => e.streamPosition)).toEqual([2, 3, 4]);
      expect((await collect(store.readStream(t, 4, 10))).map((e) => e.streamPosition)).toEqual([4, 5]);
    });

    it('knows one stream head by tenant, and no head for a tenant it never saw', async () => {
      const [a, b] = [make.tenant(), make.tenant()];
      await store.appendBatch([make.data(a), make.data(b), make.data(a)]);
      const heads = await store.streamHeads();
      expect(await streamHeadOf(store, a)).toEqual(heads.find((h) => h.tenantId === a));
      expect((await streamHeadOf(store, a))?.position).toBe(2);
      expect(await streamHeadOf(store, 'never-seen')).toBeUndefined();
    });

    it('knows the heads of the streams asked for in one call, where the adapter has it', async () => {
      if (store.streamHeadsOf === undefined) return; // optional (EventStoreDB): callers read the streams
      const [a, b] = [make.tenant(), make.tenant()];
      await store.appendBatch([make.data(a), make.data(b), make.data(a)]);
      const heads = await store.streamHeads();
      const asked = await store.streamHeadsOf([b, 'never-seen', a]);
      expect([...asked].sort((x, y) => x.tenantId.localeCompare(y.tenantId))).toEqual(
        heads.filter((h) => h.tenantId === a || h.tenantId === b),
      );
      expect(await store.streamHeadsOf([])).toEqual([]);
    });

    it('reports stream heads and counts', async () => {
      expect(await store.streamHeads()).toEqual([]);
      expect(await store.counts()).toEqual({ entries: 0, streams: 0 });
      const [a, b] = [make.tenant(), make.tenant()].sort();
      const outcomes = (await store.appendBatch([make.data(a), make.data(b), make.data(a)])).map(appended);
      expect(await store.streamHeads()).toEqual([
        { tenantId: a, position: 2, hash: outcomes[2].hash },
        { tenantId: b, position: 1, hash: outcomes[1].hash },
      ]);
      expect(await store.counts()).toEqual({ entries: 3, streams: 2 });
    });

    it('keeps positions contiguous under concurrent appends', async () => {
      const a = make.tenant();
      await Promise.all(
        Array.from({ length: 8 }, () => store.appendBatch(Array.from({ length: 5 }, () => make.data(a)))),
      );
      const stream = await collect(store.readStream(a));
      expect(stream.map((e) => e.streamPosition)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await store.verify()).toEqual({ ok: true, entries: 40, streams: 1 });
    });

    it('verifies all streams or one tenant, reporting progress', async () => {
      const [a, b] = [make.tenant(), make.tenant()];
      await store.appendBatch([make.data(a), make.data(b), make.policy(a), make.data(b, { subject: null })]);
      const progress: number[] = [];
      expect(await store.verify({ onProgress: (done, total) => progress.push(done / total) })).toEqual({
        ok: true,
        entries: 4,
        streams: 2,
      });
      expect(progress[progress.length - 1]).toBe(1);
      expect(await store.verify({ tenantId: a })).toEqual({ ok: true, entries: 2, streams: 1 });
      // A tenant the ledger never saw is an error, never an empty "ok".
      await expect(store.verify({ tenantId: make.tenant() })).rejects.toThrow(UnknownTenantError);
    });

    describe('immutability and tamper evidence', () => {
      let a: string;
      let b: string;
      beforeEach(async () => {
        [a, b] = [make.tenant(), make.tenant()];
        const input: NewEntry[] = [];
        for (let i = 0; i < 5; i++) input.push(make.data(a), make.data(b));
        await store.appendBatch(input);
      });

      function rawAccess(): RawLedgerAccess {
        if (h.raw === undefined) throw new Error('the harness declared raw access but provides none');
        return h.raw;
      }

      itRaw('refuses UPDATE of a stored entry', async () => {
        await expect(rawAccess().update(b, 3, 'data_json', '{}')).rejects.toThrow(/append-only/);
        await expect(rawAccess().update(b, 3, 'hash', '0'.repeat(64))).rejects.toThrow(/append-only/);
        expect(await store.verify()).toEqual({ ok: true, entries: 10, streams: 2 });
      });

      itRaw('refuses DELETE of a stored entry', async () => {
        await expect(rawAccess().delete(b, 5)).rejects.toThrow(/append-only/);
        expect((await collect(store.readStream(b))).length).toBe(5);
      });

      itRaw.each<[LedgerColumn, string]>([
        ['data_json', '{"category":"personal","dataId":"forged","region":"eu","store":"crm"}'],
        ['occurred_at', '2099-01-01T00:00:00.000Z'],
        ['type', 'DataDeleted'],
        ['recorded_at', '2000-01-01T00:00:00.000Z'],
        ['source_json', '{"offset":"1","partition":0,"topic":"elsewhere"}'],
        ['prev_hash', 'f'.repeat(64)],
        ['hash', 'e'.repeat(64)],
      ])('detects a changed %s at exactly that tenant and position', async (column, value) => {
        await rawAccess().tamper(b, 3, column, value);
        expect(await store.verify()).toEqual({
          ok: false,
          tenantId: b,
          position: 3,
          reason: expect.any(String),
        });
        expect(await store.verify({ tenantId: b })).toMatchObject({ ok: false, tenantId: b, position: 3 });
        expect(await store.verify({ tenantId: a })).toEqual({ ok: true, entries: 5, streams: 1 });
      });

      itRaw('detects a subject that no longer matches its digest', async () => {
        await rawAccess().tamper(
          a,
          2,
          'subject_json',
          '{"salt":"00","subjectId":"someone-else@example.com"}',
        );
        expect(await store.verify()).toEqual({
          ok: false,
          tenantId: a,
          position: 2,
          reason: expect.stringMatching(/subject/),
        });
      });
    });
  });
}
