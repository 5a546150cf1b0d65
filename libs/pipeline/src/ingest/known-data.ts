import type { EntryDataByType, LedgerEntry, NewEntry } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';

export type Placement = Pick<EntryDataByType['DataCreated'], 'category' | 'region' | 'store'>;

interface TenantData {
  /** Stream position read up to. */
  position: number;
  placements: Map<string, Placement>;
}

/**
 * Placements kept in memory over all tenants (70–100 bytes each: 71 measured with 12-character
 * dataIds, so 500 000 ≈ 35–50 MB); past that the least recently used tenants are dropped, and
 * read again when next needed.
 * A bound by tenants (2 000, before) re-read every stream of a backlog spanning more tenants
 * before each batch: BENCH_ONLY=api, 10 000 tenants, spent 85 % of the loop there.
 */
export const MAX_PLACEMENTS = 500_000;
/** Distinct (category, region, store) placements shared between dataIds. */
const MAX_SHAPES = 10_000;
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
  /** In order of use, the least recent first. */
  private readonly tenants = new Map<string, TenantData>();
  private held = 0;
  /** One object per distinct (category, region, store): a dataId holds a reference, not a copy. */
  private readonly shapes = new Map<string, Placement>();

  constructor(
    private readonly ledger: LedgerStore,
    private readonly maxPlacements = MAX_PLACEMENTS,
  ) {}

  /** Reads what the tenants' streams gained since the last look. */
  async catchUp(tenantIds: readonly string[]): Promise<void> {
    if (tenantIds.length === 0) return;
    const heads = this.ledger.streamHeadsOf && (await this.ledger.streamHeadsOf(tenantIds));
    const headOf = heads && new Map(heads.map((h) => [h.tenantId, h.position]));
    for (const tenantId of tenantIds) {
      const known = this.tenant(tenantId).position;
      // Without heads (EventStoreDB), each stream is read to learn whether it moved.
      if (headOf === undefined || (headOf.get(tenantId) ?? 0) > known) await this.read(tenantId);
    }
    this.evict(new Set(tenantIds));
  }

  /** The tenant's record, made the most recently used (a new empty one when it is not held). */
  private tenant(tenantId: string): TenantData {
    const t = this.tenants.get(tenantId) ?? { position: 0, placements: new Map<string, Placement>() };
    this.tenants.delete(tenantId);
    this.tenants.set(tenantId, t);
    return t;
  }

  /** Drops the least recently used tenants while more than maxPlacements are held; never the batch's own. */
  private evict(batch: ReadonlySet<string>): void {
    for (const [tenantId, t] of this.tenants) {
      if (this.held <= this.maxPlacements) return;
      if (batch.has(tenantId)) continue;
      this.tenants.delete(tenantId);
      this.held -= t.placements.size;
    }
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
      if (!t.placements.has(d.dataId)) {
        t.placements.set(d.dataId, this.shape(d));
        this.held++;
      }
    }
    t.position = e.streamPosition;
  }

  private shape(d: Placement): Placement {
    const key = `${d.category}\u0000${d.region}\u0000${d.store}`;
    const shape = this.shapes.get(key) ?? { category: d.category, region: d.region, store: d.store };
    // Store names are the producers' own: past MAX_SHAPES distinct ones, a placement is its own copy.
    if (this.shapes.size < MAX_SHAPES) this.shapes.set(key, shape);
    return shape;
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
