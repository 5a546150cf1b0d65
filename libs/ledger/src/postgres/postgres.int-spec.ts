import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { NewEntry } from '@app/contracts/entry-types';
import { openLedger } from '../open-ledger';
import { describeLedgerConformance, type LedgerColumn, type RawLedgerAccess } from '../testing/conformance';
import { dataCreated } from '../testing/entries';
import { PostgresLedgerStore } from './postgres-ledger-store';

const PG_URL = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A plain SQL session, as a DBA (or an attacker with credentials) would have. */
async function rawPostgres(schema: string): Promise<RawLedgerAccess & { client: Client }> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  const table = `"${schema}".ledger_entries`;
  const update = (tenantId: string, position: number, column: LedgerColumn, value: string) =>
    client.query(`UPDATE ${table} SET ${column} = $1 WHERE tenant_id = $2 AND stream_position = $3`, [
      value,
      tenantId,
      position,
    ]);
  return {
    client,
    async update(tenantId, position, column, value) {
      await update(tenantId, position, column, value);
    },
    async delete(tenantId, position) {
      await client.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND stream_position = $2`, [
        tenantId,
        position,
      ]);
    },
    async tamper(tenantId, position, column, value) {
      await client.query(`ALTER TABLE ${table} DISABLE TRIGGER ledger_entries_no_update`);
      const { rowCount } = await update(tenantId, position, column, value);
      await client.query(`ALTER TABLE ${table} ENABLE TRIGGER ledger_entries_no_update`);
      if (rowCount !== 1) throw new Error(`tamper changed ${rowCount} rows`);
    },
  };
}

function randomSchema(): string {
  return `ledger_test_${randomBytes(6).toString('hex')}`;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

describeLedgerConformance('PostgreSQL', async () => {
  const schema = randomSchema();
  // Through openLedger, with the schema in the URL.
  const store = await openLedger(`${PG_URL}?schema=${schema}`);
  const raw = await rawPostgres(schema);
  return {
    store,
    raw,
    async dispose() {
      await raw.client.end();
      await store.close();
      await dropSchema(schema);
    },
  };
});

describe('PostgreSQL ledger', () => {
  let schema: string;
  beforeEach(() => {
    schema = randomSchema();
  });
  afterEach(() => dropSchema(schema));

  it('keeps streams contiguous and global order gap-free with two processes appending at once', async () => {
    const [one, two] = await Promise.all([
      PostgresLedgerStore.open({ connectionString: PG_URL, schema }),
      PostgresLedgerStore.open({ connectionString: PG_URL, schema }),
    ]);
    const tenants = ['p', 'q', 'r'];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? one : two).appendBatch(
          Array.from({ length: 10 }, (_, j) => dataCreated({ tenantId: tenants[(i + j) % 3] })),
        ),
      ),
    );
    expect(await one.verify()).toEqual({ ok: true, entries: 120, streams: 3 });
    const { entries } = await two.readAll(undefined, 1000);
    expect(entries.map((e) => e.globalPosition)).toEqual(
      Array.from({ length: 120 }, (_, i) => String(i + 1)),
    );
    await Promise.all([one.close(), two.close()]);
  });

  it('stores text that COPY would misread (tab, newline, CR, backslash, \\N, control characters) exactly', async () => {
    const store = await PostgresLedgerStore.open({ connectionString: PG_URL, schema });
    const odd = ['a\tb', 'line\nbreak', 'cr\rlf', 'back\\slash', '\\N', '\\.', '\u0001\u001f', 'é😀'];
    const entries = odd.map((text, i) =>
      dataCreated({
        eventId: `copy-${i}-${text}`,
        tenantId: `t\t${i % 2}\\`,
        data: { dataId: text, category: 'personal', region: 'eu', store: `s\n${text}` },
        subject: { subjectId: text },
        source: { topic: `topic\t${text}`, partition: i, offset: `${i}\r` },
      }),
    );
    const outcomes = await store.appendBatch(entries);
    expect(outcomes.map((o) => o.status)).toEqual(odd.map(() => 'appended'));
    const { entries: read } = await store.readAll(undefined, 100);
    const stored = ({ eventId, tenantId, data, subject, source }: NewEntry) => ({
      eventId,
      tenantId,
      data,
      subject,
      source,
    });
    expect(read.map(stored)).toEqual(entries.map(stored));
    expect(await store.verify()).toEqual({ ok: true, entries: odd.length, streams: 2 });
    // The same eventIds again are duplicates: their stored payload hashes round-tripped too.
    expect((await store.appendBatch(entries)).map((o) => o.status)).toEqual(odd.map(() => 'duplicate'));
    await store.close();
  });

  it('puts back a disabled or dropped trigger when opened', async () => {
    const store = await PostgresLedgerStore.open({ connectionString: PG_URL, schema });
    await store.appendBatch([dataCreated({ tenantId: 'x' })]);
    const raw = await rawPostgres(schema);
    await raw.client.query(`ALTER TABLE "${schema}".ledger_entries DISABLE TRIGGER ledger_entries_no_update`);
    await raw.client.query(`DROP TRIGGER ledger_entries_no_delete ON "${schema}".ledger_entries`);
    const reopened = await PostgresLedgerStore.open({ connectionString: PG_URL, schema });
    await expect(raw.update('x', 1, 'hash', 'x')).rejects.toThrow(/append-only/);
    await expect(raw.delete('x', 1)).rejects.toThrow(/append-only/);
    await expect(raw.client.query(`TRUNCATE "${schema}".ledger_entries`)).rejects.toThrow(/append-only/);
    await raw.client.end();
    await Promise.all([store.close(), reopened.close()]);
  });

  it('refuses rewinding a stream head', async () => {
    const store = await PostgresLedgerStore.open({ connectionString: PG_URL, schema });
    await store.appendBatch([dataCreated({ tenantId: 'x' })]);
    const raw = await rawPostgres(schema);
    await expect(raw.client.query(`UPDATE "${schema}".ledger_streams SET position = 0`)).rejects.toThrow(
      /append-only/,
    );
    await expect(raw.client.query(`DELETE FROM "${schema}".ledger_streams`)).rejects.toThrow(/append-only/);
    await raw.client.end();
    await store.close();
  });
});
