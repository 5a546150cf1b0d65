import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openLedger } from '../open-ledger';
import { describeLedgerConformance, type LedgerColumn, type RawLedgerAccess } from '../testing/conformance';
import { dataCreated } from '../testing/entries';
import { verifyChains } from '../verify';
import { sha256Hex } from '../sha256';
import { LINK_COLUMNS, type LinkRow } from './sqlite-canonical';
import { SqliteLedgerStore } from './sqlite-ledger-store';
import { parallelLinkBatches } from './sqlite-links';
import { workerGroupPages } from './sqlite-group-worker';
import { SQLITE_TRIGGERS } from './sqlite-schema';

/**
 * Runs raw SQL, rethrowing its error as an Error of this realm: better-sqlite3's
 * native part keeps the SqliteError class of the first jest sandbox that loaded
 * it, which later sandboxes do not recognise as an Error (so `rejects.toThrow`
 * would claim nothing was thrown).
 */
function sql<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new Error((error as { message?: string }).message ?? String(error));
  }
}

/** A second, plain connection to the file: it can do whatever the file permits. */
function rawSqlite(path: string): RawLedgerAccess & { close(): void } {
  const db = new Database(path);
  const update = (tenantId: string, position: number, column: LedgerColumn, value: string) =>
    sql(() =>
      db
        .prepare(`UPDATE ledger_entries SET ${column} = ? WHERE tenant_id = ? AND stream_position = ?`)
        .run(value, tenantId, position),
    );
  return {
    async update(tenantId, position, column, value) {
      update(tenantId, position, column, value);
    },
    async delete(tenantId, position) {
      sql(() =>
        db
          .prepare('DELETE FROM ledger_entries WHERE tenant_id = ? AND stream_position = ?')
          .run(tenantId, position),
      );
    },
    async tamper(tenantId, position, column, value) {
      db.exec('DROP TRIGGER ledger_entries_no_update');
      const { changes } = update(tenantId, position, column, value);
      db.exec(SQLITE_TRIGGERS);
      if (changes !== 1) throw new Error(`tamper changed ${changes} rows`);
    },
    close: () => db.close(),
  };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
}

describeLedgerConformance('SQLite', async () => {
  const dir = tempDir();
  // Through openLedger, which also creates the missing parent directory.
  const path = join(dir, 'nested', 'ledger.db');
  const store = await openLedger(`sqlite:${path}`);
  const raw = rawSqlite(path);
  return {
    store,
    raw,
    async dispose() {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('SQLite ledger beyond one index epoch and the parallel verify threshold', () => {
  const tenants = ['a', 'b', 'c'];
  let dir: string;
  let path: string;
  let store: SqliteLedgerStore;
  let raw: RawLedgerAccess & { close(): void };
  beforeAll(async () => {
    dir = tempDir();
    path = join(dir, 'ledger.db');
    store = new SqliteLedgerStore(path, { synchronous: 'NORMAL' });
    // 3 × 11 022 entries: streams span three 16 384-entry epochs; verify runs on two threads.
    for (let batch = 0; batch < 33; batch++) {
      await store.appendBatch(
        Array.from({ length: 1002 }, (_, i) => dataCreated({ tenantId: tenants[i % 3] })),
      );
    }
    raw = rawSqlite(path);
  }, 60_000);
  afterAll(async () => {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a stream across epochs, in order, from any position', async () => {
    const b = await collect(store.readStream('b'));
    expect(b.length).toBe(11_022);
    expect(b.every((e, i) => e.streamPosition === i + 1)).toBe(true);
    const tail = await collect(store.readStream('b', 11_012));
    expect(tail.map((e) => e.streamPosition)).toEqual(Array.from({ length: 11 }, (_, i) => 11_012 + i));
    expect(tail[0]).toEqual(b[11_011]);
  });

  it('reads groups of streams on a worker thread as it reads them on this one', async () => {
    const onWorker = new SqliteLedgerStore(path, { readOnly: true, groupReadWorkerFrom: 0 });
    try {
      for (const groupEntries of [1, 20_000, 1_000_000]) {
        const here = await collect(store.readStreamsGrouped(groupEntries));
        const there = await collect(onWorker.readStreamsGrouped(groupEntries));
        // Groups of one stream each, of two (11 022 entries each), of all three.
        expect(here.reduce((n, p) => n + p.facts.length, 0)).toBe(33_066);
        expect(new Set(here.flatMap((p) => p.facts.map((f) => f.tenantId)))).toEqual(new Set(tenants));
        expect(there).toEqual(here);
      }
    } finally {
      await onWorker.close();
    }
  });

  it('stops the group-read worker when the reader stops early, and names a worker that failed', async () => {
    const onWorker = new SqliteLedgerStore(path, { readOnly: true, groupReadWorkerFrom: 0 });
    try {
      for await (const page of onWorker.readStreamsGrouped(1)) {
        expect(page.facts.length).toBeGreaterThan(0);
        break;
      }
      // The next read starts again from the first group.
      const again = await collect(onWorker.readStreamsGrouped(1));
      expect(again.reduce((n, p) => n + p.facts.length, 0)).toBe(33_066);
    } finally {
      await onWorker.close();
    }
    await expect(collect(workerGroupPages(join(dir, 'no-such-ledger.db'), 1))).rejects.toThrow(
      /ledger group-read worker .*no-such-ledger\.db.*unable to open database file \(SQLITE_CANTOPEN\)/,
    );
  });

  it('verifies the whole ledger (two threads) and one stream', async () => {
    expect(await store.verify()).toEqual({ ok: true, entries: 33_066, streams: 3 });
    expect(await store.verify({ tenantId: 'c' })).toEqual({ ok: true, entries: 11_022, streams: 1 });
  });

  it.each([
    // Either thread may check either one: they claim chunks as they go.
    ['early in the log', 'a', 100],
    ['late in the log', 'c', 10_500],
  ])('names a tampered entry %s exactly', async (_where, tenantId, position) => {
    const reader = new Database(path, { readonly: true });
    const original = reader
      .prepare<[string, number], string>(
        'SELECT occurred_at FROM ledger_entries WHERE tenant_id = ? AND stream_position = ?',
      )
      .pluck()
      .get(tenantId, position);
    reader.close();
    await raw.tamper(tenantId, position, 'occurred_at', '1999-12-31T23:59:59.999Z');
    expect(await store.verify()).toEqual({
      ok: false,
      tenantId,
      position,
      reason: expect.stringMatching(/hash/),
    });
    expect(await store.verify({ tenantId })).toMatchObject({ ok: false, tenantId, position });
    // Put it back for the next case.
    await raw.tamper(tenantId, position, 'occurred_at', original ?? '');
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it("takes the worker thread's verdicts, in global order, when the worker checks nearly everything", async () => {
    const reader = new Database(path, { readonly: true });
    try {
      const tampered = reader
        .prepare<[], { tenantId: string; position: number; occurredAt: string }>(
          `SELECT tenant_id AS tenantId, stream_position AS position, occurred_at AS occurredAt
           FROM ledger_entries ORDER BY global_position LIMIT 1 OFFSET 20000`,
        )
        .get();
      if (tampered === undefined) throw new Error('no entry to tamper with');
      await raw.tamper(tampered.tenantId, tampered.position, 'occurred_at', '1999-12-31T23:59:59.999Z');
      try {
        reader.exec('BEGIN');
        const heads = reader
          .prepare<[], { tenantId: string; position: number; hash: string }>(
            'SELECT tenant_id AS tenantId, position, hash FROM ledger_streams WHERE position > 0',
          )
          .all();
        const last = reader
          .prepare<[], number>('SELECT max(global_position) FROM ledger_entries')
          .pluck()
          .get();
        const mine = stallingFirstRead(reader);
        const batches = parallelLinkBatches(
          { path, sql: mine.sql, chunkSize: 256, pageSize: 128, last: last ?? 0 },
          mine,
          sha256Hex,
        );
        expect(await verifyChains(heads, batches)).toEqual({
          ok: false,
          tenantId: tampered.tenantId,
          position: tampered.position,
          reason: 'hash does not match the entry content',
        });
        expect(mine.reads).toBe(2);
      } finally {
        await raw.tamper(tampered.tenantId, tampered.position, 'occurred_at', tampered.occurredAt);
      }
    } finally {
      reader.close();
    }
  });

  it('names the error of a verify worker whose read fails, with its SQLite code', async () => {
    const reader = new Database(path, { readonly: true });
    try {
      const mine = stallingFirstRead(reader);
      // The worker's statement fails as it steps, not as it is prepared: what a corrupt page does.
      const sql = `SELECT ${LINK_COLUMNS}, json('not json') FROM ledger_entries ${LINK_RANGE}`;
      const last =
        reader.prepare<[], number>('SELECT max(global_position) FROM ledger_entries').pluck().get() ?? 0;
      const batches = parallelLinkBatches(
        { path, sql, chunkSize: 256, pageSize: 128, last },
        mine,
        sha256Hex,
      );
      await expect(
        (async () => {
          for await (const links of batches) expect(links.length).toBeGreaterThan(0);
        })(),
      ).rejects.toThrow(/^ledger verify worker \(.*\.db\): malformed JSON \(SQLITE_ERROR\)$/);
    } finally {
      reader.close();
    }
  });
});

const LINK_RANGE = 'WHERE global_position > ? AND global_position <= ? ORDER BY global_position';

/**
 * This thread's reader for parallelLinkBatches that stalls on its first read (a blocking
 * sleep), long after the worker has started, so the worker claims every other chunk.
 */
function stallingFirstRead(reader: Database.Database): {
  sql: string;
  reads: number;
  all(from: number, to: number): LinkRow[];
} {
  const page = reader
    .prepare<[number, number], LinkRow>(`SELECT ${LINK_COLUMNS} FROM ledger_entries ${LINK_RANGE}`)
    .raw();
  return {
    sql: page.source,
    reads: 0,
    all(from, to) {
      if (this.reads++ === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
      return page.all(from, to);
    },
  };
}

describe('SQLite ledger file', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is durable by default: WAL with synchronous=FULL', async () => {
    const store = new SqliteLedgerStore(join(dir, 'ledger.db'));
    expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
    await store.close();
  });

  it('continues the chains after reopening, and puts back a dropped trigger', async () => {
    const path = join(dir, 'ledger.db');
    const first = new SqliteLedgerStore(path);
    await first.appendBatch([dataCreated({ tenantId: 'x' }), dataCreated({ tenantId: 'x' })]);
    await first.close();

    const raw = new Database(path);
    raw.exec('DROP TRIGGER ledger_entries_no_delete');
    raw.close();

    const second = new SqliteLedgerStore(path);
    const [outcome] = await second.appendBatch([dataCreated({ tenantId: 'x' })]);
    expect(outcome).toMatchObject({ status: 'appended', entry: { streamPosition: 3, globalPosition: '3' } });
    expect(await second.verify()).toEqual({ ok: true, entries: 3, streams: 1 });
    const again = new Database(path);
    expect(() => sql(() => again.prepare('DELETE FROM ledger_entries').run())).toThrow(/append-only/);
    again.close();
    await second.close();
  });

  it('detects a deleted tail through the stream head', async () => {
    const path = join(dir, 'ledger.db');
    const store = new SqliteLedgerStore(path);
    await store.appendBatch([dataCreated({ tenantId: 'x' }), dataCreated({ tenantId: 'x' })]);
    const raw = new Database(path);
    raw.exec('DROP TRIGGER ledger_entries_no_delete');
    raw.prepare('DELETE FROM ledger_entries WHERE stream_position = 2').run();
    raw.close();
    expect(await store.verify()).toMatchObject({ ok: false, tenantId: 'x', position: 2 });
    await store.close();
  });

  it('keeps the chains right with two connections appending to one file', async () => {
    const path = join(dir, 'ledger.db');
    const one = new SqliteLedgerStore(path);
    const two = new SqliteLedgerStore(path);
    // Each store caches heads; the other's commits must invalidate that cache.
    for (let round = 0; round < 6; round++) {
      const store = round % 2 === 0 ? one : two;
      await store.appendBatch([dataCreated({ tenantId: 'x' }), dataCreated({ tenantId: `y${round % 3}` })]);
    }
    const stream = await collect(one.readStream('x'));
    expect(stream.map((e) => e.streamPosition)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stream.map((e) => e.globalPosition)).toEqual(['1', '3', '5', '7', '9', '11']);
    expect(await two.verify()).toEqual({ ok: true, entries: 12, streams: 4 });
    await Promise.all([one.close(), two.close()]);
  });

  it('refuses rewinding or deleting a stream head', async () => {
    const path = join(dir, 'ledger.db');
    const store = new SqliteLedgerStore(path);
    await store.appendBatch([dataCreated({ tenantId: 'x' })]);
    const raw = new Database(path);
    expect(() => sql(() => raw.prepare('UPDATE ledger_streams SET position = 0').run())).toThrow(
      /append-only/,
    );
    expect(() => sql(() => raw.prepare('DELETE FROM ledger_streams').run())).toThrow(/append-only/);
    raw.close();
    await store.close();
  });
});
