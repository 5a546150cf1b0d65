import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { LedgerEntry } from '@app/contracts/entry-types';
import { dataCreated } from '../testing/entries';
import { PostgresLedgerStore } from './postgres-ledger-store';

const PG_URL = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function readEverything(store: PostgresLedgerStore, after?: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (let cursor = after; ;) {
    const page = await store.readAll(cursor, 100);
    out.push(...page.entries);
    if (page.entries.length === 0) return out;
    cursor = page.last;
  }
}

describe('PostgreSQL ledger with concurrent writers', () => {
  let schema: string;
  let raw: Client;
  let stores: PostgresLedgerStore[];

  beforeEach(async () => {
    schema = `ledger_hw_${randomBytes(6).toString('hex')}`;
    raw = new Client({ connectionString: PG_URL, application_name: `hw-test-${schema}` });
    await raw.connect();
    stores = await Promise.all(
      [1, 2, 3].map(() => PostgresLedgerStore.open({ connectionString: PG_URL, schema })),
    );
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await raw.end();
  });

  it('appends to another stream while one commit is held open, and global readers wait for the late commit', async () => {
    const [a, b, reader] = stores;
    const [seed] = await a.appendBatch([dataCreated({ tenantId: 'slow' })]);
    const seedPosition = seed.status === 'appended' ? seed.entry.globalPosition : '';

    // Hold the slow stream's head row: its next append allocates positions, inserts, then waits to commit.
    await raw.query('BEGIN');
    await raw.query(`SELECT 1 FROM "${schema}".ledger_streams WHERE tenant_id = 'slow' FOR UPDATE`);
    const slow = a.appendBatch([1, 2, 3].map(() => dataCreated({ tenantId: 'slow' })));
    // Another session: the open transaction would see pg_stat_activity as of its first look.
    const watcher = new Client({ connectionString: PG_URL });
    await watcher.connect();
    await until('the slow append to wait on its head row', async () => {
      const { rows } = await watcher.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
        [`%INSERT INTO "${schema}".ledger_streams%`],
      );
      return rows.length > 0;
    });
    await watcher.end();

    // Another stream appends and commits meanwhile (one ledger lock would make it wait): higher positions.
    const fast = await b.appendBatch([1, 2].map(() => dataCreated({ tenantId: 'fast' })));
    const fastPositions = fast.map((o) => (o.status === 'appended' ? Number(o.entry.globalPosition) : 0));
    expect(Math.min(...fastPositions)).toBeGreaterThan(Number(seedPosition) + 3);

    // A reader must not pass the open append's lower positions: nothing after the seed is visible yet.
    expect((await reader.readAll(seedPosition)).entries).toEqual([]);
    expect(await reader.lastPosition()).toBe(seedPosition);

    await raw.query('COMMIT');
    await slow;
    const after = await readEverything(reader, seedPosition);
    expect(after.map((e) => e.tenantId)).toEqual(['slow', 'slow', 'slow', 'fast', 'fast']);
    expect(after.map((e) => Number(e.globalPosition))).toEqual(
      [...after.map((e) => Number(e.globalPosition))].sort((x, y) => x - y),
    );
    expect(await reader.verify()).toEqual({ ok: true, entries: 6, streams: 2 });
  });

  it('does not wait for a transaction outside the ledger, however long it stays open', async () => {
    const [a, , reader] = stores;
    const otherSchema = `${schema}_other`;
    const other = await PostgresLedgerStore.open({ connectionString: PG_URL, schema: otherSchema });
    const otherWriter = new Client({ connectionString: PG_URL });
    await otherWriter.connect();
    try {
      // Another application's write transaction, left open: it holds an xid ...
      await raw.query('BEGIN');
      await raw.query('SELECT pg_current_xact_id()');
      // ... and another ledger of the same database, mid-append.
      await otherWriter.query('BEGIN');
      await otherWriter.query(`SELECT "${otherSchema}".allocate_positions(1)`);
      const outcomes = await a.appendBatch([1, 2].map(() => dataCreated({ tenantId: 't' })));
      const positions = outcomes.map((o) => (o.status === 'appended' ? o.entry.globalPosition : ''));
      expect((await readEverything(reader)).map((e) => e.globalPosition)).toEqual(positions);
      expect(await reader.lastPosition()).toBe(positions[1]);
      // The other ledger's readers do wait for their own writer.
      await other.appendBatch([dataCreated({ tenantId: 'o' })]);
      expect(await other.lastPosition()).toBeUndefined();
    } finally {
      await raw.query('ROLLBACK');
      await otherWriter.end();
      await other.close();
      await raw.query(`DROP SCHEMA IF EXISTS "${otherSchema}" CASCADE`);
    }
  });

  it('refuses a read-only open of a ledger written before read_bound, and a read-write open upgrades it', async () => {
    await raw.query(`DROP FUNCTION "${schema}".read_bound()`);
    await expect(
      PostgresLedgerStore.open({ connectionString: PG_URL, schema, readOnly: true }),
    ).rejects.toThrow(/written by an older version .* open it once read-write/);
    await (await PostgresLedgerStore.open({ connectionString: PG_URL, schema })).close();
    const reader = await PostgresLedgerStore.open({ connectionString: PG_URL, schema, readOnly: true });
    expect(await reader.lastPosition()).toBeUndefined();
    await reader.close();
  });

  it('moves past the gap a rolled-back append leaves', async () => {
    const [a, , reader] = stores;
    await a.appendBatch([dataCreated({ tenantId: 't' })]);
    // A writer that dies after taking positions: they are never filled.
    await raw.query('BEGIN');
    await raw.query(`SELECT "${schema}".allocate_positions(5)`);
    await raw.query('ROLLBACK');
    await a.appendBatch([dataCreated({ tenantId: 't' })]);
    const all = await readEverything(reader);
    expect(all.map((e) => e.globalPosition)).toEqual(['1', '7']);
  });

  it('never shows a following reader an entry twice or out of order, nor skips one, under interleaved appends', async () => {
    const tenants = ['t1', 't2', 't3', 't4', 't5'];
    const seen: LedgerEntry[] = [];
    let writing = true;
    const follower = (async () => {
      let cursor: string | undefined;
      for (;;) {
        const done = !writing;
        const page = await stores[2].readAll(cursor, 37);
        seen.push(...page.entries);
        cursor = page.last;
        if (page.entries.length === 0 && done) return;
      }
    })();
    const duplicateOf = dataCreated({ tenantId: 't1' });
    await Promise.all(
      [0, 1].map(async (w) => {
        for (let i = 0; i < 30; i++) {
          const batch = Array.from({ length: 1 + ((i * 7 + w) % 9) }, (_, j) =>
            dataCreated({ tenantId: tenants[(i + j + w) % tenants.length] }),
          );
          // Redeliveries of one event from both writers: stored once.
          if (i % 10 === 0) batch.push(duplicateOf);
          await stores[w].appendBatch(batch);
        }
      }),
    );
    writing = false;
    await follower;
    const stored = await readEverything(stores[0]);
    expect(seen).toEqual(stored);
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
    for (const t of tenants) {
      const positions = seen.filter((e) => e.tenantId === t).map((e) => e.streamPosition);
      expect(positions).toEqual(positions.map((_, i) => i + 1));
    }
    expect(await stores[0].verify()).toMatchObject({ ok: true, streams: tenants.length });
  });

  it('stores one eventId once when two streams race for it, and reports the other as a conflict', async () => {
    for (let i = 0; i < 10; i++) {
      const one = dataCreated({ tenantId: 'left' });
      const other = { ...one, tenantId: 'right' };
      const outcomes = await Promise.all([stores[0].appendBatch([one]), stores[1].appendBatch([other])]);
      expect(outcomes.map(([o]) => o.status).sort()).toEqual(['appended', 'conflict']);
    }
    expect(await stores[2].verify()).toMatchObject({ ok: true, entries: 10 });
  });
});
