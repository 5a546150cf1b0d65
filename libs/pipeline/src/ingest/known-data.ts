import type { EntryDataByType, NewEntry } from '@app/contracts';
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
 * (by this process or another ingest) are seen. A tenant's records share a partition (the
 * key is the tenantId), so one consumer appends them at a time; two ingest processes
 * appending the same tenant at the same moment (keyless records) could still race.
 */
export class KnownData {
  private readonly tenants = new Map<string, TenantData>();

  constructor(private readonly ledger: LedgerStore) {}

  /** Reads what the tenant's stream gained since the last look. */
  async catchUp(tenantId: string): Promise<void> {
    let t = this.tenants.get(tenantId);
    if (t === undefined) {
      if (this.tenants.size >= MAX_TENANTS) this.tenants.delete(this.tenants.keys().next().value!);
      t = { position: 0, placements: new Map() };
    }
    let read = 0;
    for await (const e of this.ledger.readStream(tenantId, t.position + 1)) {
      // A long stream is read in one run of microtasks (SQLite reads are synchronous): let
      // the event loop turn now and then, so the API in the same process answers meanwhile.
      if (++read % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
      if (e.type === 'DataCreated') {
        const d = e.data as EntryDataByType['DataCreated'];
        if (!t.placements.has(d.dataId)) t.placements.set(d.dataId, d);
      }
      t.position = e.streamPosition;
    }
    this.tenants.set(tenantId, t);
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
