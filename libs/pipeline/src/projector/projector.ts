import { LedgerEntry, POLICY_STREAM } from '@app/contracts';
import type { LedgerStore, StreamPrefix } from '@app/ledger';
import type { ObligationRecord, ReadModel } from '@app/read-model';
import { drainChanges, evolve, initialState, Obligation, obligations, TenantState } from '@app/retention';
import type { Context } from '@opentelemetry/api';
import { openSpan, traceLinks, tracingOn } from '@app/config';
import { TenantCache } from './tenant-cache';

export interface ProjectorOptions {
  /** Ledger entries read and applied per read-model transaction. */
  batchSize: number;
  /** Tenant states kept in memory while following the ledger (least recently used are dropped). */
  cachedTenants?: number;
  /** About how many entries a rebuild folds at once (default GROUP_ENTRIES). */
  rebuildGroupEntries?: number;
}

/**
 * A rebuild folds streams in groups of about this many entries. Folded state takes
 * ~265 bytes per entry (1M entries folded at once: ~265 MB). Measured on the bench's
 * 1M entries (SQLite): 200k-entry groups peaked at 320-450 MB RSS, as V8 lets the heap
 * grow to several times the live state between full collections; 50k at 235-265 MB and
 * faster (less to collect); smaller groups read the ledger more often.
 */
const GROUP_ENTRIES = 50_000;

export function toRecord(o: Obligation): ObligationRecord {
  return {
    obligationId: o.obligationId,
    tenantId: o.tenantId,
    region: o.region,
    store: o.store,
    status: o.status,
    dueAt: o.dueAt,
    deadline: o.deadline,
    detail: o,
  };
}

/** The trace of the latest entry of a tenant's page that ingest traced in this process. */
function lastLinked(entries: LedgerEntry[]): Context | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const ctx = traceLinks.recall(entries[i].eventId);
    if (ctx) return ctx;
  }
  return undefined;
}

/**
 * Keeps the obligations read model from the ledger with the pure fold (libs/retention).
 *
 * Following the ledger, it applies each page to the touched tenants' states and writes
 * only their changed obligations, with the checkpoint, in one transaction. States are a
 * cache, not a source of truth: tenants not in memory are re-folded from their streams
 * up to the page, in one grouped read (see `statesBefore`), which keeps memory bounded
 * (the cache, plus the states of one page's tenants during a step) however large the ledger
 * grows. A rebuild folds a group of streams at a time for the same reason. PolicyActivated entries (the `$policy` stream) apply to every tenant.
 */
export class Projector {
  private readonly cache: TenantCache;
  private policies: LedgerEntry[] | undefined;
  private cursor: string | undefined;
  private started = false;
  entriesApplied = 0;
  /** Tenant states folded from the ledger because they were not in memory (cache misses). */
  tenantsLoaded = 0;

  constructor(
    private readonly ledger: LedgerStore,
    private readonly readModel: ReadModel,
    private readonly opts: ProjectorOptions,
  ) {
    this.cache = new TenantCache(opts.cachedTenants ?? 5000);
  }

  /** Forgets what it cached: the next step starts from the read model's checkpoint (after a lock takeover). */
  restart(): void {
    this.cache.clear();
    this.started = false;
  }

  /**
   * Applies the next page of the ledger; returns how many entries it read (0 = caught up).
   * A step that fails (a read-model write refused, a store gone) forgets everything it
   * folded: the cached states had already handed their changes over (`drainChanges`), so
   * keeping them would let the retry write nothing and move the checkpoint past the
   * change. The next step starts again from the stored checkpoint and re-derives it.
   */
  async step(): Promise<{ entries: number; changed: ObligationRecord[] }> {
    try {
      return await this.apply();
    } catch (err) {
      this.started = false;
      this.cache.clear();
      throw err;
    }
  }

  private async apply(): Promise<{ entries: number; changed: ObligationRecord[] }> {
    if (!this.started) {
      this.cursor = await this.readModel.checkpoint();
      this.policies = await this.readPolicies();
      this.started = true;
    }
    const page = await this.ledger.readAll(this.cursor, this.opts.batchSize);
    if (page.entries.length === 0 || page.last === undefined) return { entries: 0, changed: [] };
    const upserts: ObligationRecord[] = [];
    const removals: string[] = [];
    const byTenant = new Map<string, LedgerEntry[]>();
    let policyChanged = false;
    for (const e of page.entries) {
      if (e.tenantId === POLICY_STREAM) {
        this.policies!.push(e);
        policyChanged = true;
      } else {
        const list = byTenant.get(e.tenantId) ?? [];
        list.push(e);
        byTenant.set(e.tenantId, list);
      }
    }
    if (policyChanged) {
      // A new policy can change any tenant's schedule: re-derive them all, stream by stream.
      this.cache.clear();
      await this.refreshAll(page.last);
      this.cursor = page.last;
      this.entriesApplied += page.entries.length;
      return { entries: page.entries.length, changed: [] };
    }
    const started = Date.now();
    const traced: Array<{ parent: Context; changed: string[] }> = [];
    const states = await this.statesBefore(byTenant);
    for (const [tenantId, entries] of byTenant) {
      const state = states.get(tenantId)!;
      for (const e of entries) evolve(state, e);
      const changes = drainChanges(state);
      for (const o of changes.upserted) upserts.push(toRecord(o));
      removals.push(...changes.removed);
      const parent = tracingOn() ? lastLinked(entries) : undefined;
      if (parent) traced.push({ parent, changed: changes.upserted.map((o) => o.obligationId) });
    }
    await this.readModel.write({ upserts, removals, checkpoint: page.last });
    for (const t of traced) {
      const span = openSpan('projector.project', { parent: t.parent, startMs: started });
      if (!span) break;
      span.child('read-model.write', started, { obligations: t.changed.length });
      // The dispatcher, in this process, continues this trace from the obligation.
      for (const id of t.changed) traceLinks.remember(id, span.ctx);
      span.end();
    }
    this.cursor = page.last;
    this.entriesApplied += page.entries.length;
    return { entries: page.entries.length, changed: upserts };
  }

  /**
   * Derives the read model again from the whole ledger and replaces it at once (a
   * `ReadModel.load`): until then readers keep the previous one, and a crash mid-way
   * leaves it as it was.
   */
  async rebuild(onProgress?: (entries: number) => void): Promise<number> {
    this.cache.clear();
    this.policies = await this.readPolicies();
    const head = await this.ledger.lastPosition();
    const load = await this.readModel.load();
    let n: number;
    try {
      n = await this.foldGroups(async (group) => {
        const records: ObligationRecord[] = [];
        for (const state of group.values()) for (const o of obligations(state)) records.push(toRecord(o));
        await load.add(records);
      }, onProgress);
      await load.commit(head);
    } catch (error) {
      // The rebuild's own failure is the one to report; the abort only tidies up after it.
      await load.abort().catch(() => undefined);
      throw error;
    }
    this.cursor = head;
    this.started = true;
    return n;
  }

  /**
   * Re-derives every tenant in place and moves the checkpoint to `upTo`.
   * Entries appended meanwhile may already be folded in; the next step applies them
   * again, which the idempotent fold ignores.
   */
  private async refreshAll(upTo: string | undefined): Promise<void> {
    let upserts: ObligationRecord[] = [];
    let removals: string[] = [];
    const flush = async (checkpoint: string | undefined) => {
      await this.readModel.write({ upserts, removals, checkpoint });
      upserts = [];
      removals = [];
    };
    await this.foldGroups(async (group) => {
      for (const [tenantId, state] of group) {
        const derived = obligations(state);
        for (const o of derived) upserts.push(toRecord(o));
        removals.push(...(await this.staleIds(tenantId, derived)));
      }
      // Intermediate writes leave the checkpoint alone: a crash mid-way redoes the refresh.
      if (upserts.length >= 20_000) await flush(undefined);
    });
    await flush(upTo);
  }

  /**
   * Folds every tenant from its stream, the policies first. Streams come in groups (see
   * `readStreamsGrouped`): each group's states go to `use` once complete and are then
   * dropped, so memory follows the group size. Returns the entries folded, policies included.
   */
  private async foldGroups(
    use: (group: Map<string, TenantState>) => Promise<void>,
    onProgress?: (entries: number) => void,
  ): Promise<number> {
    let entries = this.policies!.length;
    let group = new Map<string, TenantState>();
    for await (const page of this.ledger.readStreamsGrouped(this.opts.rebuildGroupEntries ?? GROUP_ENTRIES)) {
      for (const e of page.facts) {
        // The policies were read first and start every tenant's fold.
        if (e.tenantId === POLICY_STREAM) continue;
        let state = group.get(e.tenantId);
        if (state === undefined) {
          state = this.withPolicies(e.tenantId);
          group.set(e.tenantId, state);
        }
        evolve(state, e);
        entries++;
      }
      if (!page.streamsComplete) continue;
      await use(group);
      group = new Map();
      onProgress?.(entries);
    }
    return entries;
  }

  /** Obligation ids the read model holds for the tenant that the facts no longer yield. */
  private async staleIds(tenantId: string, derived: Obligation[]): Promise<string[]> {
    const current = await this.readModel.obligationIds(tenantId);
    if (current.length === 0) return [];
    const keep = new Set(derived.map((o) => o.obligationId));
    return current.filter((id) => !keep.has(id));
  }

  /**
   * The states of the page's tenants, from the cache or, for those not in memory, folded
   * from their streams up to (not including) their first entry in the page, all in one
   * grouped read (`LedgerStore.readStreams`): after a restart a page meets hundreds of
   * tenants, and a read per tenant cost a round trip and, on SQLite, a page read per
   * entry. Positions within a stream follow the global order, so that prefix is exactly
   * what the checkpoint covers: the read model already holds what it yields, the prefix's
   * drain is only bookkeeping, and the page then writes just the groups it touches.
   */
  private async statesBefore(byTenant: Map<string, LedgerEntry[]>): Promise<Map<string, TenantState>> {
    const states = new Map<string, TenantState>();
    const missing: StreamPrefix[] = [];
    for (const [tenantId, entries] of byTenant) {
      const cached = this.cache.get(tenantId);
      if (cached) states.set(tenantId, cached);
      else {
        states.set(tenantId, this.withPolicies(tenantId));
        missing.push({ tenantId, before: entries[0].streamPosition });
      }
    }
    if (missing.length === 0) return states;
    for await (const page of this.ledger.readStreams(missing)) {
      for (const e of page) evolve(states.get(e.tenantId)!, e);
    }
    for (const { tenantId } of missing) {
      const state = states.get(tenantId)!;
      drainChanges(state);
      this.cache.set(tenantId, state);
    }
    this.tenantsLoaded += missing.length;
    return states;
  }

  /** A fresh state for the tenant with the policies folded in. */
  private withPolicies(tenantId: string): TenantState {
    const state = initialState(tenantId);
    for (const p of this.policies!) evolve(state, { ...p, tenantId });
    return state;
  }

  private async readPolicies(): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = [];
    for await (const e of this.ledger.readStream(POLICY_STREAM)) out.push(e);
    return out;
  }
}
