import type { LedgerEntry, NewEntry } from '@app/contracts';

/**
 * A legal-hold release must end a placement (DESIGN.md semantics 8: bad input gets a
 * clear error): one of its holdId at or before it that no other release ended first.
 * A release of a hold never placed (a typo in the holdId, a release sent to the wrong
 * tenant) would otherwise sit in the ledger doing nothing while the operator believes
 * the hold is gone.
 *
 * Where the knowledge is: the tenant's own stream. Placements and releases of a tenant
 * travel on one topic keyed by the tenant, so one partition, in the producer's order: by
 * the time a release arrives, its placement is in the stream (or earlier in the same
 * batch, hence `accepted`). Reading the stream costs one scan per release, and releases
 * are rare (a few per tenant per year). The read model would be cheaper but lags. What
 * still reaches the ledger unmatched (a placement stamped later than its release) the
 * fold ignores and reports (`unmatchedReleases`).
 */
export function holdReleaseCheck(
  readStream: (tenantId: string) => AsyncIterable<LedgerEntry>,
): (entry: NewEntry, accepted: readonly NewEntry[]) => Promise<string | undefined> {
  return async (entry, accepted) => {
    if (entry.type !== 'LegalHoldReleased') return undefined;
    const holdId = (entry.data as { holdId: string }).holdId;
    const at = Date.parse(entry.occurredAt);
    const placements: number[] = [];
    const releases: number[] = [];
    const consider = (e: NewEntry) => {
      if (e.tenantId !== entry.tenantId || (e.data as { holdId?: string }).holdId !== holdId) return;
      if (e.eventId === entry.eventId) return; // a redelivery of this very release
      if (e.type === 'LegalHoldPlaced') placements.push(Date.parse(e.occurredAt));
      else if (e.type === 'LegalHoldReleased') releases.push(Date.parse(e.occurredAt));
    };
    for await (const e of readStream(entry.tenantId)) {
      if (e.eventId === entry.eventId) return undefined; // already in the ledger: the append dedupes it
      consider(e);
    }
    accepted.forEach(consider);
    // Open at `at`: a placement at or before it that no other release in [placement, at] ended.
    const open = placements.some((p) => p <= at && !releases.some((r) => r >= p && r <= at));
    if (open) return undefined;
    // Named, not quoted: a holdId or a case reference may name a person.
    return placements.length === 0
      ? "release of a legal hold (holdId) that the tenant's stream never placed"
      : "release of a legal hold (holdId): no placement of it is active at its occurredAt in the tenant's stream";
  };
}
