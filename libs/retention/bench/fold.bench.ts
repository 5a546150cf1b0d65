/**
 * Throughput and memory of the fold: N synthetic ledger entries (default 1M)
 * across T tenants (default 10k), folded into one state per tenant.
 *
 * Modes:
 * - `rebuild` (default): evolve every entry, then one `drainChanges` per tenant
 *   (what a projector does when it replays the ledger into an empty read model);
 * - `tail`: `drainChanges` of the touched tenants after every batch of 1,000
 *   entries (a projector following the ledger live);
 * - `per-tenant`: one tenant stream at a time (fold it, drain it, drop the
 *   state), as a projector can rebuild from per-tenant streams in bounded memory.
 *
 * Entries are generated (and parsed from JSON, as they would come from a store)
 * in chunks outside the timed sections. Not part of the domain (it reads the
 * clock to measure); not a test.
 *
 *   npx swc libs/retention -d /tmp/rl-bench -C module.type=commonjs
 *   NODE_PATH=node_modules node --expose-gc /tmp/rl-bench/libs/retention/bench/fold.bench.js [rebuild|tail|per-tenant] [entries] [tenants]
 */
import type { NewEntry } from '@app/contracts/entry-types';
import { evolve } from '../src/evolve';
import { obligationIdOf } from '../src/obligation-id';
import { drainChanges } from '../src/obligations';
import { DEFAULT_POLICY } from '../src/policy/policy';
import { initialState, type TenantState } from '../src/state';
import { EntryBuilder } from '../src/testing/entry-builder';

const MODE =
  process.argv[2] === 'tail' ? 'tail' : process.argv[2] === 'per-tenant' ? 'per-tenant' : 'rebuild';
const TOTAL = Number(process.argv[3] ?? 1_000_000);
const TENANTS = Number(process.argv[4] ?? 10_000);
const BATCH = 1_000;
const CHUNK = 50_000;

/** A small deterministic PRNG (mulberry32), so runs are comparable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface TenantGen {
  id: string;
  data: number;
  deleted: number;
  subjects: number;
  commands: number;
  receipts: string[];
  issuable: string[];
  ended: boolean;
  holds: number;
}

const random = prng(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const iso = (ms: number) => new Date(ms).toISOString();
let seq = 0;

/**
 * The mix, per entry: 55% data created (20% audit log; 12 users per tenant, 2
 * regions x 2 stores), 18% data deleted, 3% user deleted, 11% commands, 11%
 * receipts (10% of them failures), 0.4% holds (a third tenant-wide), 0.2%
 * subscription ended / reactivated, the rest more data.
 */
function nextEntry(t: TenantGen, clock: number): NewEntry {
  const r = random();
  const common = { eventId: `ev-${++seq}-${t.id}`, tenantId: t.id, occurredAt: iso(clock), source: null };
  if (t.data === 0 || r < 0.55) {
    const n = t.data++;
    return {
      ...common,
      type: 'DataCreated',
      data: {
        dataId: `doc-${n}-${t.id}`,
        category: random() < 0.2 ? 'audit-log' : 'personal',
        region: pick(['eu', 'us']),
        store: pick(['main', 'files']),
      },
      subject: { subjectId: `user-${Math.floor(random() * 12)}@${t.id}.example` },
    };
  }
  if (r < 0.73 && t.deleted < t.data) {
    const dataId = `doc-${t.deleted++}-${t.id}`;
    t.issuable.push(obligationIdOf({ tenantId: t.id, reason: 'data-deleted', dataId }));
    return { ...common, type: 'DataDeleted', data: { dataId, deletedBy: 'user' }, subject: null };
  }
  if (r < 0.76) {
    const subjectId = `user-${t.subjects++ % 12}@${t.id}.example`;
    return { ...common, type: 'UserDeleted', data: { deletedBy: 'admin' }, subject: { subjectId } };
  }
  if (r < 0.87 && t.issuable.length > 0) {
    const obligationId = t.issuable.shift() as string;
    const commandId = `cmd-${t.commands++}-${t.id}`;
    t.receipts.push(commandId);
    const data = { commandId, obligationId, region: 'eu', store: 'main', issuedAt: iso(clock), attempt: 1 };
    return { ...common, eventId: `issued:${commandId}`, type: 'DeletionCommandIssued', data, subject: null };
  }
  if (r < 0.98 && t.receipts.length > 0) {
    const commandId = t.receipts.shift() as string;
    const receipt = { commandId, region: 'eu', store: 'main', completedAt: iso(clock) };
    return random() < 0.9
      ? { ...common, type: 'DeletionConfirmed', data: { ...receipt, deletedCount: 1 }, subject: null }
      : { ...common, type: 'DeletionFailed', data: { ...receipt, error: 'timeout' }, subject: null };
  }
  if (r < 0.984) {
    const place = t.holds % 2 === 0;
    t.holds++;
    if (!place)
      return { ...common, type: 'LegalHoldReleased', data: { holdId: `hold-${t.holds - 2}` }, subject: null };
    const subject =
      random() < 0.67 ? { subjectId: `user-${Math.floor(random() * 12)}@${t.id}.example` } : null;
    return { ...common, type: 'LegalHoldPlaced', data: { holdId: `hold-${t.holds - 1}` }, subject };
  }
  if (r < 0.986) {
    t.ended = !t.ended;
    return {
      ...common,
      type: t.ended ? 'SubscriptionEnded' : 'SubscriptionReactivated',
      data: {},
      subject: null,
    };
  }
  const n = t.data++;
  return {
    ...common,
    type: 'DataCreated',
    data: { dataId: `doc-${n}-${t.id}`, category: 'personal', region: 'eu', store: 'main' },
    subject: null,
  };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

const seconds = (ns: bigint) => Number(ns) / 1e9;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** One tenant stream at a time: generate its entries, fold them, drain once, drop the state. */
function perTenant(gens: TenantGen[], policy: NewEntry): void {
  let evolveNs = 0n;
  let drainNs = 0n;
  let upserts = 0;
  let peakHeap = 0;
  let clock = Date.parse('2025-01-01T00:00:00.000Z');
  const perStream = Math.ceil(TOTAL / gens.length);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  gens.forEach((gen, index) => {
    const chunk: NewEntry[] = [];
    for (let i = 0; i < perStream; i++) {
      clock += Math.floor(random() * 60_000);
      chunk.push(nextEntry(gen, clock));
    }
    const entries = JSON.parse(JSON.stringify(chunk)) as NewEntry[];
    const t0 = process.hrtime.bigint();
    const state = evolve(initialState(gen.id), policy);
    for (const entry of entries) evolve(state, entry);
    const t1 = process.hrtime.bigint();
    upserts += drainChanges(state).upserted.length;
    drainNs += process.hrtime.bigint() - t1;
    evolveNs += t1 - t0;
    if (index % 1000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  });
  const total = perStream * gens.length;
  console.log(`per-tenant: ${total} entries in ${gens.length} tenant streams, one state at a time`);
  console.log(
    `  evolve:                 ${(total / seconds(evolveNs)).toFixed(0)} entries/s (${seconds(evolveNs).toFixed(2)} s)`,
  );
  console.log(`  drainChanges:           ${seconds(drainNs).toFixed(2)} s, ${upserts} upserts`);
  console.log(`  evolve + derivation:    ${(total / seconds(evolveNs + drainNs)).toFixed(0)} entries/s`);
  console.log(
    `  heap: ${mb(heapBefore)} MB before, sampled peak ${mb(peakHeap)} MB (garbage included), rss ${mb(process.memoryUsage().rss)} MB`,
  );
}

function main(): void {
  const gens: TenantGen[] = Array.from({ length: TENANTS }, (_, i) => ({
    id: `tenant-${String(i).padStart(5, '0')}`,
    data: 0,
    deleted: 0,
    subjects: 0,
    commands: 0,
    receipts: [],
    issuable: [],
    ended: false,
    holds: 0,
  }));
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const states = new Map<string, TenantState>();
  // The policy stream first, applied to every tenant (as the projector does): the same entry object.
  const policy = JSON.parse(
    JSON.stringify(
      new EntryBuilder('$policy').policyActivated({ eventId: 'policy-1', policy: DEFAULT_POLICY, at: 0 }),
    ),
  ) as NewEntry;
  if (MODE === 'per-tenant') return perTenant(gens, policy);
  let evolveNs = 0n;
  let drainNs = 0n;
  let t0 = process.hrtime.bigint();
  for (const gen of gens) states.set(gen.id, evolve(initialState(gen.id), policy));
  evolveNs += process.hrtime.bigint() - t0;

  let upserts = 0;
  let removals = 0;
  let produced = 0;
  let clock = Date.parse('2025-01-01T00:00:00.000Z');
  const touched = new Set<TenantState>();
  const drain = (state: TenantState) => {
    const changes = drainChanges(state);
    upserts += changes.upserted.length;
    removals += changes.removed.length;
  };
  while (produced < TOTAL) {
    const chunk: NewEntry[] = [];
    for (; chunk.length < CHUNK && produced < TOTAL; produced++) {
      clock += Math.floor(random() * 60_000);
      chunk.push(nextEntry(pick(gens), clock));
    }
    const entries = JSON.parse(JSON.stringify(chunk)) as NewEntry[];
    chunk.length = 0;
    for (let from = 0; from < entries.length; from += BATCH) {
      t0 = process.hrtime.bigint();
      const end = Math.min(from + BATCH, entries.length);
      for (let i = from; i < end; i++) {
        const state = states.get(entries[i].tenantId) as TenantState;
        evolve(state, entries[i]);
        if (MODE === 'tail') touched.add(state);
      }
      const t1 = process.hrtime.bigint();
      evolveNs += t1 - t0;
      if (MODE === 'tail') {
        for (const state of touched) drain(state);
        touched.clear();
        drainNs += process.hrtime.bigint() - t1;
      }
    }
  }
  if (MODE === 'rebuild') {
    t0 = process.hrtime.bigint();
    for (const state of states.values()) drain(state);
    drainNs += process.hrtime.bigint() - t0;
  }
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const rss = process.memoryUsage().rss;
  const state = heapAfter - heapBefore;
  console.log(`${MODE}: ${TOTAL} entries across ${TENANTS} tenants (+${TENANTS} policy applications)`);
  console.log(
    `  evolve:                 ${(TOTAL / seconds(evolveNs)).toFixed(0)} entries/s (${seconds(evolveNs).toFixed(2)} s)`,
  );
  console.log(
    `  drainChanges:           ${seconds(drainNs).toFixed(2)} s, ${upserts} upserts, ${removals} removals`,
  );
  console.log(`  evolve + derivation:    ${(TOTAL / seconds(evolveNs + drainNs)).toFixed(0)} entries/s`);
  console.log(
    `  state heap after GC:    ${mb(state)} MB (${(state / TOTAL).toFixed(0)} bytes/entry); heapUsed ${mb(heapAfter)} MB, rss ${mb(rss)} MB`,
  );
}

main();
