import {
  CREATED_AFTER_DELETION,
  DATA_DELETED,
  deriveData,
  derivationContext,
  deriveSubject,
  deriveTenant,
  MAX_AGE,
  type DerivationContext,
} from './derive';
import { compare } from './evolve';
import type { Obligation } from './obligation';
import { idBucket } from './obligation-id';
import type { DataFacts, Group, SubjectFacts, TenantGroup, TenantState } from './state';

/** Deterministic order: by trigger time, then id. */
export function compareObligations(a: Obligation, b: Obligation): number {
  return compare(a.triggeredAt, b.triggeredAt) || compare(a.obligationId, b.obligationId);
}

/**
 * Every obligation of the tenant, derived from the state's facts alone (not from
 * the order they arrived in), sorted by trigger time then id. O(size of the
 * state): for reports, rebuilds and tests; a tailing projector uses `drainChanges`.
 */
export function obligations(state: TenantState): Obligation[] {
  const ctx = derivationContext(state);
  const out: Obligation[] = [];
  const candidates: string[] = [];
  for (const item of state.data.values()) deriveData(ctx, item, out);
  for (const subject of state.subjects.values()) deriveSubject(ctx, subject, out, candidates);
  deriveTenant(ctx, out, candidates);
  return out.sort(compareObligations);
}

/** The obligations of one data item (e.g. to refresh a single item). */
export function obligationsOfData(state: TenantState, dataId: string): Obligation[] {
  const item = state.data.get(dataId);
  const out: Obligation[] = [];
  if (item) deriveData(derivationContext(state), item, out);
  return out.sort(compareObligations);
}

/** What changed since the previous drain: obligations to upsert, ids to delete. */
export interface ObligationChanges {
  /** Every obligation of each re-derived group (some may be unchanged), sorted. */
  readonly upserted: Obligation[];
  /** Ids a previous drain emitted that the facts no longer yield (e.g. after a late, earlier duplicate deletion). */
  readonly removed: string[];
}

/**
 * Incremental derivation for the projector: re-derives only the groups (data
 * item, subject, tenant) that entries touched since the last drain and reports
 * the difference. Applying every drain's changes in turn to an empty table gives
 * exactly `obligations(state)`.
 *
 * Call it after a batch of `evolve`s (the larger the batch, the fewer repeated
 * derivations). It updates the state's derivation bookkeeping, not its facts.
 */
export function drainChanges(state: TenantState): ObligationChanges {
  const book = state.derivation;
  const ctx = derivationContext(state);
  const upserted: Obligation[] = [];
  const removed: string[] = [];
  const rederive = (group: Group): void => {
    switch (group.kind) {
      case 'data':
        return drainData(ctx, group, upserted, removed);
      case 'subject':
      case 'tenant':
        return drainKeyed(ctx, group, upserted, removed);
      default: {
        const _exhaustive: never = group;
        return _exhaustive;
      }
    }
  };
  if (book.allDirty) {
    for (const item of state.data.values()) rederive(item);
    for (const subject of state.subjects.values()) rederive(subject);
    rederive(book.tenantGroup);
  } else if (book.dirty) {
    for (const group of book.dirty) rederive(group);
  }
  book.allDirty = false;
  book.dirty = null;
  return { upserted: upserted.sort(compareObligations), removed: removed.sort() };
}

function index(state: TenantState, id: string, group: Group): void {
  const groupOf = (state.derivation.groupOf ??= new Map());
  const bucket = idBucket(id);
  const known = groupOf.get(bucket);
  if (known === undefined) groupOf.set(bucket, [group]);
  else if (!known.includes(group)) known.push(group);
}

const DATA_BITS: ReadonlyArray<readonly [number, string]> = [
  [DATA_DELETED, 'data-deleted'],
  [MAX_AGE, 'max-age'],
  [CREATED_AFTER_DELETION, 'user-deleted'],
];

function drainData(ctx: DerivationContext, item: DataFacts, upserted: Obligation[], removed: string[]): void {
  const from = upserted.length;
  const mask = deriveData(ctx, item, upserted);
  if ((item.emittedMask & ~mask) !== 0 && item.idHash !== null) {
    for (const [bit, reason] of DATA_BITS) {
      if ((item.emittedMask & bit) !== 0 && (mask & bit) === 0) removed.push(`ob.${reason}.${item.idHash}`);
    }
  }
  // Index newly emitted kinds (all of an item's ids share one hash, so one bucket).
  if ((mask & ~item.emittedMask) !== 0 && upserted.length > from)
    index(ctx.state, upserted[from].obligationId, item);
  item.emittedMask = mask;
}

function drainKeyed(
  ctx: DerivationContext,
  group: SubjectFacts | TenantGroup,
  upserted: Obligation[],
  removed: string[],
): void {
  const book = ctx.state.derivation;
  const derived: Obligation[] = [];
  const candidates: string[] = [];
  if (group.kind === 'tenant') deriveTenant(ctx, derived, candidates);
  else deriveSubject(ctx, group, derived, candidates);
  const now = derived.map((o) => o.obligationId);
  const before = book.emitted?.get(group);
  if (before) {
    const current = new Set(now);
    for (const id of before) if (!current.has(id)) removed.push(id);
  }
  // Candidates (ids of duplicates not shown unless a command names them) are indexed too, so such a command finds its group.
  for (const id of candidates) index(ctx.state, id, group);
  if (now.length > 0) (book.emitted ??= new Map()).set(group, now);
  else book.emitted?.delete(group);
  upserted.push(...derived);
}
