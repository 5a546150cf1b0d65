import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewEntry } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { openReadModel, ReadModel } from '@app/read-model';
import { createProjector } from '@app/pipeline';
import { lifecycleEntries } from './support/ledger-facts';

async function allObligations(rm: ReadModel, tenants: string[]) {
  const out = [];
  for (const t of tenants) out.push(...(await rm.obligations(t)));
  return out.sort((a, b) => a.obligationId.localeCompare(b.obligationId));
}

/** Interleaves the facts so cross-topic order differs from event-time order, as in production. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('projection', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-projection-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds live, while 100k events arrive, exactly the read model a rebuild from scratch gives', async () => {
    const tenants = Array.from({ length: 200 }, (_, i) => `tenant-live-${i}`);
    const entries: NewEntry[] = shuffled(lifecycleEntries(100_000, { tenants: 200, seed: 'live' }), 7);
    const ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    const live = await openReadModel(`sqlite:${path.join(dir, 'live.db')}`);
    const projector = createProjector(ledger, live, 'follow', { batchSize: 1000 });
    // A cache far smaller than the tenants: most steps re-fold a tenant from its stream. Its
    // page is one append's worth, so it re-folds each tenant once per append, not 2.5 times.
    const thrashing = await openReadModel(`sqlite:${path.join(dir, 'thrashing.db')}`);
    const small = createProjector(ledger, thrashing, 'follow', { batchSize: 2500, cachedTenants: 7 });
    // Appends and projection steps interleave: the projectors see the ledger grow.
    for (let i = 0; i < entries.length; i += 2500) {
      await ledger.appendBatch(entries.slice(i, i + 2500));
      await projector.step();
      await small.step();
    }
    while ((await projector.step()).entries > 0);
    while ((await small.step()).entries > 0);

    const rebuilt = await openReadModel(`sqlite:${path.join(dir, 'rebuilt.db')}`);
    const n = await createProjector(ledger, rebuilt, 'rebuild').rebuild();
    expect(n).toBe(entries.length);

    const a = await allObligations(live, tenants);
    const b = await allObligations(rebuilt, tenants);
    expect(a.length).toBeGreaterThan(10_000);
    expect(a).toEqual(b);
    expect(await allObligations(thrashing, tenants)).toEqual(b);
    // Folding a few tenants at a time (many groups, streams split across pages) changes nothing.
    const grouped = await openReadModel(`sqlite:${path.join(dir, 'grouped.db')}`);
    const inGroups = createProjector(ledger, grouped, 'follow', { batchSize: 5000, rebuildGroupEntries: 3000 });
    expect(await inGroups.rebuild()).toBe(entries.length);
    expect(await allObligations(grouped, tenants)).toEqual(b);
    expect(await live.checkpoint()).toBe(await rebuilt.checkpoint());

    // A projector restarted on the live read model warms up and carries on where it was.
    const restarted = createProjector(ledger, live, 'follow', { batchSize: 1000 });
    await ledger.appendBatch(lifecycleEntries(2000, { tenants: 200, seed: 'more' }));
    while ((await restarted.step()).entries > 0);
    const rebuilt2 = await openReadModel(`sqlite:${path.join(dir, 'rebuilt2.db')}`);
    await createProjector(ledger, rebuilt2, 'rebuild').rebuild();
    const everyone = [...tenants, ...Array.from({ length: 200 }, (_, i) => `tenant-more-${i}`)];
    const after = await allObligations(live, everyone);
    expect(after.length).toBeGreaterThan(a.length);
    expect(after).toEqual(await allObligations(rebuilt2, everyone));

    for (const rm of [live, thrashing, rebuilt, grouped, rebuilt2]) await rm.close();
    await ledger.close();
  }, 180_000);
});
