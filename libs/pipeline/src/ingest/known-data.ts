import type { EntryDataByType, LedgerEntry, NewEntry } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';

export type Placement = Pick<EntryDataByType['DataCreated'], 'category' | 'region' | 'store'>;

interface TenantData {
  /** Stream position read up to. */
  position: number;
  placements: Map<string, Placement>;
}

/** Tenants kept in memory; the least recently loaded one is dropped (and re-read when needed). */
const MAX_TENANTS = 2000;
/** Entries read between turns of the event loop (BENCH_ONLY=api: the API starved behind catch-ups). */
const YIELD_EVERY = 500;

/** Which of category, region and store differ: named, never quoted (a reason is logged). */
function differing(known: Placement, d: Placement): string {
  const names = (['category', 'region', 'store'] as const).filter((f) => known[f] !== d[f]);
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Where each known dataId of a tenant lives, as its first DataCreated says. The knowledge
 * is the tenant's ledger stream: a tenant is read once, then caught up from the position
 * it was read to before each batch that creates data for it, so entries appended since
 * (by this process or another ingest) are seen. What this ingestor appends itself is
 * taken in as it is appended (`observe`), so the catch-up reads only streams whose head
 * moved past what is known — entries of other writers (and none, mostly) — after one
 * look at the heads of the batch's tenants. A tenant's records share a partition (the
 * key is the tenantId), so one consumer appends them at a time; two ingest processes
 * appending the same tenant at the same moment (keyless records) could still race.
 */
export class KnownData {
  private readonly tenants = new Map<string, TenantData>();

  constructor(private readonly ledger: LedgerStore) {}

  /** Reads what the tenants' streams gained since the last look. */
  async catchUp(tenantIds: readonly string[]): Promise<void> {
    if (tenantIds.length === 0) return;
    const heads = this.ledger.streamHeadsOf && (await this.ledger.streamHeadsOf(tenantIds));
    const headOf = heads && new Map(heads.map((h) => [h.tenantId, h.position]));
    for (const tenantId of tenantIds) {
      const known = this.tenants.get(tenantId)?.position ?? 0;
      // Without heads (EventStoreDB), each stream is read to learn whether it moved.
      if (headOf === undefined || (headOf.get(tenantId) ?? 0) > known) await this.read(tenantId);
      else this.tenant(tenantId);
    }
  }

  /** The tenant's record, a new empty one when it is not held (dropping the oldest when full). */
  private tenant(tenantId: string): TenantData {
    let t = this.tenants.get(tenantId);
    if (t === undefined) {
      if (this.tenants.size >= MAX_TENANTS) this.tenants.delete(this.tenants.keys().next().value!);
      t = { position: 0, placements: new Map() };
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  private async read(tenantId: string): Promise<void> {
    const t = this.tenant(tenantId);
    let read = 0;
    for await (const e of this.ledger.readStream(tenantId, t.position + 1)) {
      // A long stream is read in one run of microtasks (SQLite reads are synchronous): let
      // the event loop turn now and then, so the API in the same process answers meanwhile.
      if (++read % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
      this.take(t, e);
    }
  }

  /**
   * An entry this ingestor just appended. Taken in only when it is the next position of a
   * tenant held here: after a gap (another writer's entries in between) the next catch-up
   * reads the stream from where it was known, this entry included.
   */
  observe(entry: LedgerEntry): void {
    const t = this.tenants.get(entry.tenantId);
    if (t !== undefined && entry.streamPosition === t.position + 1) this.take(t, entry);
  }

  private take(t: TenantData, e: LedgerEntry): void {
    if (e.type === 'DataCreated') {
      const d = e.data as EntryDataByType['DataCreated'];
      if (!t.placements.has(d.dataId)) t.placements.set(d.dataId, d);
    }
    t.position = e.streamPosition;
  }

  /**
   * Why this DataCreated disagrees with what is known of its dataId (the ledger, or an
   * earlier entry of the same batch in `pending`), or undefined. Records agreeing entries in `pending`.
   */
  conflict(entry: NewEntry<'DataCreated'>, pending: Map<string, Placement>): string | undefined {
    const d = entry.data;
    const key = `${entry.tenantId}\u0000${d.dataId}`;
    const known = this.tenants.get(entry.tenantId)?.placements.get(d.dataId) ?? pending.get(key);
    if (known === undefined) {
      pending.set(key, d);
      return undefined;
    }
    if (known.category === d.category && known.region === d.region && known.store === d.store)
      return undefined;
    return `conflict: this dataId was created before with another ${differing(known, d)}; a dataId keeps the category, region and store it was created with`;
  }
}
