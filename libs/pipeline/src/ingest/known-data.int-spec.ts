import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewEntry } from '@app/contracts';
import { LedgerStore, openLedger } from '@app/ledger';
import { KnownData } from './known-data';

function created(tenantId: string, dataId: string, region = 'eu'): NewEntry<'DataCreated'> {
  return {
    eventId: `${tenantId}.${dataId}`,
    tenantId,
    type: 'DataCreated',
    occurredAt: '2026-01-01T00:00:00.000Z',
    data: { dataId, category: 'personal', region, store: 'main' },
    subject: null,
    source: null,
  };
}

/** The ledger, counting the streams read through it. */
function counting(ledger: LedgerStore): { ledger: LedgerStore; reads: string[] } {
  const reads: string[] = [];
  const wrapped = new Proxy(ledger, {
    get(target, prop, receiver) {
      if (prop !== 'readStream') return Reflect.get(target, prop, receiver) as unknown;
      return (tenantId: string, ...rest: [number?, number?]) => {
        reads.push(tenantId);
        return target.readStream(tenantId, ...rest);
      };
    },
  });
  return { ledger: wrapped, reads };
}

describe('KnownData on a real SQLite ledger', () => {
  let dir: string;
  let ledger: LedgerStore;
  const tenants = Array.from({ length: 3000 }, (_, i) => `t-${i}`);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-known-data-'));
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    await ledger.appendBatch(tenants.flatMap((t) => [created(t, 'a'), created(t, 'b')]));
  });
  afterAll(async () => {
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * BENCH_ONLY=api: a backlog over 10 000 tenants, the knowledge bounded to 2 000 tenants, so
   * each batch re-read streams it had read before (85 % of the event loop).
   */
  it('reads each stream once while the placements fit, however many tenants there are', async () => {
    const c = counting(ledger);
    const known = new KnownData(c.ledger);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < tenants.length; i += 500) await known.catchUp(tenants.slice(i, i + 500));
    }
    expect(c.reads).toHaveLength(tenants.length);
    expect(new Set(c.reads).size).toBe(tenants.length);
    expect(known.conflict(created('t-0', 'a', 'us'), new Map())).toMatch(/another region/);
  });

  it('past its bound drops the least recently used tenants and reads them again when needed', async () => {
    const c = counting(ledger);
    const known = new KnownData(c.ledger, 7);
    await known.catchUp(['t-0', 't-1', 't-2']);
    // 10 placements: t-0 and t-1, the least recently used, are dropped.
    await known.catchUp(['t-3', 't-4']);
    await known.catchUp(['t-2', 't-0']);
    expect(c.reads).toEqual(['t-0', 't-1', 't-2', 't-3', 't-4', 't-0']);
    // A batch's own tenants stay, even past the bound.
    await known.catchUp(['t-5', 't-6', 't-7', 't-8', 't-9', 't-10']);
    for (const t of ['t-5', 't-10'])
      expect(known.conflict(created(t, 'b', 'us'), new Map())).toMatch(/another region/);
    await known.catchUp(['t-0']);
    expect(c.reads.slice(-1)).toEqual(['t-0']);
    expect(known.conflict(created('t-0', 'a', 'us'), new Map())).toMatch(/another region/);
  });
});
