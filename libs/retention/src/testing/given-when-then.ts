import type { LedgerEntry, NewEntry } from '@app/contracts/entry-types';
import { evolve } from '../evolve';
import type { Obligation } from '../obligation';
import { drainChanges, obligations } from '../obligations';
import { initialState, type TenantState } from '../state';

type Entry = NewEntry | LedgerEntry;

/** A recursive partial, for `thenContains`. */
export type PartialObligation = {
  [K in keyof Obligation]?: NonNullable<Obligation[K]> extends object ? unknown : Obligation[K];
};

export interface Then {
  /** The tenant's obligations are exactly these (order-insensitive; compared sorted by id). */
  then(expected: readonly Obligation[]): void;
  /** For each partial, some obligation matches it (jest `toMatchObject`). */
  thenContains(...expected: PartialObligation[]): void;
  /** No obligation at all. */
  thenNone(): void;
  /** The obligations, for assertions of your own. */
  obligations(): Obligation[];
  /** The state after given and when. */
  state(): TenantState;
}

export interface Given extends Then {
  when(...entries: Entry[]): Then;
}

function fold(tenantId: string, entries: readonly Entry[]): TenantState {
  let state = initialState(tenantId);
  for (const entry of entries) state = evolve(state, entry);
  return state;
}

const byId = (list: readonly Obligation[]): Obligation[] =>
  [...list].sort((a, b) => (a.obligationId < b.obligationId ? -1 : a.obligationId > b.obligationId ? 1 : 0));

/**
 * Given/when/then for the fold (after emmett's decider specification):
 * `given([entries]).when(entry).then([expected])`.
 *
 * Every spec also checks the fold's laws on its own entries, so each rule is
 * checked order-free and idempotent:
 * - folding the entries in reverse order gives the same obligations;
 * - applying the `when` entries a second time changes nothing;
 * - the incremental path (`drainChanges` after given, then after when) ends at
 *   the same obligations as `obligations(state)`.
 */
export function given(entries: readonly Entry[] = [], tenantId?: string): Given {
  const make = (whenEntries: readonly Entry[]): Then => {
    let cached: { state: TenantState; result: Obligation[] } | undefined;
    const run = () => {
      if (cached) return cached;
      const all = [...entries, ...whenEntries];
      // PolicyActivated may come from the policy stream: the tenant is that of the other entries.
      const tenant = tenantId ?? all.find((entry) => entry.type !== 'PolicyActivated')?.tenantId ?? 't1';
      const state = fold(tenant, all);
      const result = obligations(state);

      expect(byId(obligations(fold(tenant, [...all].reverse())))).toEqual(byId(result));
      expect(byId(obligations(fold(tenant, [...all, ...whenEntries])))).toEqual(byId(result));

      const incremental = initialState(tenant);
      const table = new Map<string, Obligation>();
      const apply = () => {
        const changes = drainChanges(incremental);
        for (const id of changes.removed) table.delete(id);
        for (const o of changes.upserted) table.set(o.obligationId, o);
      };
      for (const entry of entries) evolve(incremental, entry);
      apply();
      for (const entry of whenEntries) evolve(incremental, entry);
      apply();
      expect(byId([...table.values()])).toEqual(byId(result));

      cached = { state, result };
      return cached;
    };
    return {
      then: (expected) => {
        const actual = run().result;
        if (expected.every((o) => typeof o.obligationId === 'string')) {
          expect(byId(actual)).toEqual(byId(expected));
        } else {
          // Some expectations are matchers (expect.objectContaining): compare as a multiset.
          expect(actual).toEqual(expect.arrayContaining([...expected]));
          expect(actual).toHaveLength(expected.length);
        }
      },
      thenContains: (...expected) => {
        const actual = run().result;
        for (const partial of expected) {
          if (!actual.some((o) => matches(o, partial))) {
            // toMatchObject on the closest candidate gives a readable diff.
            expect(actual).toContainEqual(expect.objectContaining(partial));
          }
        }
      },
      thenNone: () => expect(run().result).toEqual([]),
      obligations: () => run().result,
      state: () => run().state,
    };
  };
  return { ...make([]), when: (...whenEntries) => make(whenEntries) };
}

function matches(actual: Obligation, partial: PartialObligation): boolean {
  try {
    expect(actual).toMatchObject(partial);
    return true;
  } catch {
    return false;
  }
}
