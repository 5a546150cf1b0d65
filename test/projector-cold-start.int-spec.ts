import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EntryFacts, NewEntry, POLICY_STREAM } from '@app/contracts';
import { LedgerStore, openLedger, READ_STREAMS_PAGE } from '@app/ledger';
import { openReadModel, ReadModel } from '@app/read-model';
import { createProjector } from '@app/pipeline';
import { lifecycleEntries } from './support/ledger-facts';
import { dropSchema, pgScope } from './support/postgres';

const TENANTS = 300;
const BEFORE = 6000;
const AFTER = 3000;

interface Calls {
  readAll: number;
  /** Tenants read one stream at a time (the policy stream included). */
  readStream: string[];
  readStreams: number;
  readStreamsPages: number;
}

/** The ledger as the projector sees it, counting its reads (each page a round trip on PostgreSQL). */
function counting(inner: LedgerStore): { store: LedgerStore; calls: Calls } {
  const calls: Calls = { readAll: 0, readStream: [], readStreams: 0, readStreamsPages: 0 };
  async function* pages(source: AsyncIterable<EntryFacts[]>): AsyncIterable<EntryFacts[]> {
    for await (const page of source) {
      calls.readStreamsPages++;
      yield page;
    }
  }
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'readAll')
        return (...args: Parameters<LedgerStore['readAll']>) => {
          calls.readAll++;
          return target.readAll(...args);
        };
      if (prop === 'readStream')
        return (...args: Parameters<LedgerStore['readStream']>) => {
          calls.readStream.push(args[0]);
          return target.readStream(...args);
        };
      if (prop === 'readStreams')
        return (...args: Parameters<LedgerStore['readStreams']>) => {
          calls.readStreams++;
          return pages(target.readStreams(...args));
        };
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, calls };
}

async function everything(rm: ReadModel, tenants: Iterable<string>) {
  const out = [];
  for (const t of tenants) out.push(...(await rm.obligations(t)));
  return out.sort((a, b) => a.obligationId.localeCompare(b.obligationId));
}

interface Backend {
  name: string;
  url(name: string): string;
  dispose(): Promise<void>;
}

function sqlite(): Backend {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-cold-'));
  return {
    name: 'SQLite',
    url: (name) => `sqlite:${path.join(dir, `${name}.db`)}`,
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function postgres(): Backend {
  const scope = pgScope('cold');
  const schemas: string[] = [];
  return {
    name: 'PostgreSQL',
    url(name) {
      const schema = `${scope.schemas[0]}_${name}`;
      schemas.push(schema);
      return scope.ledgerUrl.replace(/schema=[^&]+/, `schema=${schema}`);
    },
    dispose: async () => {
      for (const s of schemas) await dropSchema(s);
    },
  };
}

describe.each([sqlite, postgres])('a projector restarted with a cold cache (%p)', (make) => {
  let backend: Backend;
  beforeAll(() => {
    backend = make();
  });
  afterAll(() => backend.dispose());

  it('derives what a warm one does, warming every tenant of a page in a few grouped reads', async () => {
    const all: NewEntry[] = lifecycleEntries(BEFORE + AFTER, { tenants: TENANTS, seed: 'cold' });
    const ledger = await openLedger(backend.url('ledger'));
    const warmModel = await openReadModel(backend.url('warm'));
    const coldModel = await openReadModel(backend.url('cold'));
    const warm = createProjector(ledger, warmModel, 'follow', { batchSize: 1000 });
    const before = createProjector(ledger, coldModel, 'follow', { batchSize: 1000 });
    for (let i = 0; i < BEFORE; i += 1000) await ledger.appendBatch(all.slice(i, i + 1000));
    while ((await warm.step()).entries > 0);
    while ((await before.step()).entries > 0);

    // The rest arrives; the second read model's projector is a new process (nothing cached).
    const later = all.slice(BEFORE);
    for (let i = 0; i < later.length; i += 1000) await ledger.appendBatch(later.slice(i, i + 1000));
    const { store, calls } = counting(ledger);
    const cold = createProjector(store, coldModel, 'follow', { batchSize: 5000 });
    let steps = 0;
    while ((await cold.step()).entries > 0) steps++;
    while ((await warm.step()).entries > 0);

    const touched = new Set(later.map((e) => e.tenantId).filter((t) => t !== POLICY_STREAM));
    expect(touched.size).toBeGreaterThan(TENANTS / 2);
    // Every tenant of the page was folded from the ledger, none by a read of its own.
    expect(cold.tenantsLoaded).toBe(touched.size);
    expect(calls.readStream.filter((t) => t !== POLICY_STREAM)).toEqual([]);
    expect(steps).toBe(1);
    expect(calls.readStreams).toBe(steps);
    // The prefixes hold at most BEFORE entries: pages of READ_STREAMS_PAGE, plus one where
    // a SQLite epoch ends mid-page — a handful of reads for hundreds of tenants.
    expect(calls.readStreamsPages).toBeLessThanOrEqual(Math.ceil(BEFORE / READ_STREAMS_PAGE) + 1);
    expect(calls.readAll).toBe(steps + 1);

    const tenants = new Set(all.map((e) => e.tenantId));
    const expected = await everything(warmModel, tenants);
    expect(expected.length).toBeGreaterThan(1000);
    expect(await everything(coldModel, tenants)).toEqual(expected);
    expect(await coldModel.checkpoint()).toBe(await warmModel.checkpoint());
    const rebuiltModel = await openReadModel(backend.url('rebuilt'));
    await createProjector(ledger, rebuiltModel, 'rebuild').rebuild();
    expect(await everything(rebuiltModel, tenants)).toEqual(expected);

    for (const rm of [warmModel, coldModel, rebuiltModel]) await rm.close();
    await ledger.close();
  }, 120_000);
});
