import { compare } from '../evolve';
import type { HoldPlacement, HoldRelease, TenantState } from '../state';

/**
 * A legal hold as an interval of event time: [from, to), `to` = Infinity while
 * unreleased. Each placement of a holdId opens one; the first release of that id at
 * or after the placement closes it, so a placement after a release (a new matter
 * reusing a case number) is held again, and overlapping placements of one id merge.
 */
export interface HoldInterval {
  readonly holdId: string;
  readonly from: number;
  readonly to: number;
  /** Scope filters (all that are given must match; none: the whole tenant). */
  readonly subjectId: string | null;
  readonly dataId: string | null;
  readonly category: string | null;
  /** The placement's eventId and context (reason, caseRef, placedBy), and the release's. */
  readonly placedBy: HoldPlacement;
  readonly releasedBy: HoldRelease | null;
}

/** Every hold interval of the tenant, sorted by (from, holdId); releases that closed no placement are not in it. */
export function holdIntervals(state: TenantState): HoldInterval[] {
  const out: HoldInterval[] = [];
  for (const hold of state.holds?.values() ?? []) {
    for (const placed of hold.placements) {
      const released = hold.releases.find((r) => r.at >= placed.at) ?? null;
      out.push({
        holdId: hold.holdId,
        from: placed.at,
        to: released ? released.at : Infinity,
        subjectId: placed.subjectId,
        dataId: placed.dataId,
        category: placed.category,
        placedBy: placed,
        releasedBy: released,
      });
    }
  }
  return out.sort((a, b) => a.from - b.from || compare(a.holdId, b.holdId));
}

/**
 * Releases that ended no placement (none of their id at or before them, or one already
 * released): no effect on any obligation, shown to auditors. Ingest dead-letters those
 * it can tell at arrival; these are what reached the ledger anyway (a late placement).
 */
export function unmatchedReleases(state: TenantState): Array<{ holdId: string; release: HoldRelease }> {
  const out: Array<{ holdId: string; release: HoldRelease }> = [];
  for (const hold of state.holds?.values() ?? []) {
    const used = new Set(hold.placements.map((p) => hold.releases.find((r) => r.at >= p.at)));
    for (const release of hold.releases) if (!used.has(release)) out.push({ holdId: hold.holdId, release });
  }
  return out;
}
