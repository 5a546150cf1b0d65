import type { DataFacts } from '../state';
import type { HoldInterval } from './hold-intervals';

/**
 * "Holds win" (DESIGN.md): a legal hold suspends every purge it covers. Two questions,
 * asked by the derivation wherever a purge meets a hold (a data item's purges, a
 * subject's store purge, a tenant-wide purge, an expedited deletion that overrides it):
 *
 * - scope: does the hold take in this data item (`holdScopeCovers`)? A store purge takes
 *   every item there, so a hold on any of them covers the whole purge;
 * - time: does the hold bite on this purge (`holdSuspends`)?
 *
 * The read models never filter by holds: the fold derives status `held`, and the
 * dispatcher's `due` query takes only `scheduled` obligations.
 */

/** Does a hold's scope take in this data item? Every filter given must match; none: the whole tenant. */
export function holdScopeCovers(
  hold: Pick<HoldInterval, 'subjectId' | 'dataId' | 'category'>,
  item: Pick<DataFacts, 'subjectId' | 'dataId' | 'category'>,
): boolean {
  return (
    (hold.subjectId === null || hold.subjectId === item.subjectId) &&
    (hold.dataId === null || hold.dataId === item.dataId) &&
    (hold.category === null || hold.category === item.category)
  );
}

/**
 * Does a hold bite on a purge triggered at `trig` and confirmed at `confirmedAt`
 * (Infinity: not yet)? Not if it has no length, was over before the trigger, or was
 * placed after the purge was confirmed. A hold placed at the very instant counts.
 */
export function holdSuspends(
  hold: Pick<HoldInterval, 'from' | 'to'>,
  trig: number,
  confirmedAt: number,
): boolean {
  return hold.to > hold.from && hold.to > trig && hold.from < confirmedAt;
}
