import { compare } from './evolve';
import { finalize, type Draft } from './finalize';
import { holdIntervals, type HoldInterval } from './holds/hold-intervals';
import { holdScopeCovers } from './holds/holds-win';
import type { DeletionTarget, Obligation } from './obligation';
import { dataIdHash, storeIdHash } from './obligation-id';
import {
  compilePolicy,
  jurisdictionOf,
  rulesIn,
  subscriptionDueAt,
  type CompiledPolicy,
} from './policy/compiled-policy';
import { addDuration } from './policy/duration';
import { DEFAULT_POLICY } from './policy/policy';
import type { DataFacts, DataHistory, StoreRef, SubjectFacts, TenantState } from './state';

// Where the hold intervals lived before they moved beside the hold rules.
export { holdIntervals, unmatchedReleases, type HoldInterval } from './holds/hold-intervals';

/**
 * Derivation: obligations as a pure function of the state's fact set. Each group
 * (a data item, a subject, the tenant) is derived on its own, so the projector
 * re-derives only the groups an entry touched (`drainChanges`).
 */

const DEFAULT_COMPILED = compilePolicy(DEFAULT_POLICY);

/** Bits of `DataFacts.emittedMask`. */
export const DATA_DELETED = 1;
export const MAX_AGE = 2;
export const CREATED_AFTER_DELETION = 4;

const NO_HOLDS: readonly HoldInterval[] = [];

export interface DerivationContext {
  readonly state: TenantState;
  /** Holds without a filter: the whole tenant. */
  readonly tenantHolds: readonly HoldInterval[];
  /** Holds with a subject filter, by subject (their other filters are checked by `covers`). */
  readonly subjectHolds: ReadonlyMap<string, readonly HoldInterval[]> | null;
  /** Holds with a data or category filter and no subject. */
  readonly otherHolds: readonly HoldInterval[];
  /** Per store key: the holds covering a tenant-wide purge there (computed when first needed). */
  storeHolds?: ReadonlyMap<string, readonly HoldInterval[]>;
}

export function derivationContext(state: TenantState): DerivationContext {
  if (!state.holds) return { state, tenantHolds: NO_HOLDS, subjectHolds: null, otherHolds: NO_HOLDS };
  const tenantHolds: HoldInterval[] = [];
  const otherHolds: HoldInterval[] = [];
  const subjectHolds = new Map<string, HoldInterval[]>();
  for (const interval of holdIntervals(state)) {
    if (interval.subjectId !== null) {
      const list = subjectHolds.get(interval.subjectId);
      if (list) list.push(interval);
      else subjectHolds.set(interval.subjectId, [interval]);
    } else if (interval.dataId !== null || interval.category !== null) otherHolds.push(interval);
    else tenantHolds.push(interval);
  }
  return { state, tenantHolds, subjectHolds, otherHolds };
}

/** Holds with a filter that could take in this item (the subject's, and the data/category ones). */
function scopedCandidates(ctx: DerivationContext, subjectId: string | null): readonly HoldInterval[] {
  const subject = subjectId === null ? undefined : ctx.subjectHolds?.get(subjectId);
  if (!subject) return ctx.otherHolds;
  return ctx.otherHolds.length === 0 ? subject : [...subject, ...ctx.otherHolds];
}

/**
 * The policy in force at `at`: the latest PolicyActivated at or before it (at
 * equal times the greatest version, then eventId, wins); before any, the
 * built-in default.
 */
export function policyAt(state: TenantState, at: number): CompiledPolicy {
  const policies = state.policies;
  if (policies)
    for (let i = policies.length - 1; i >= 0; i--) if (policies[i].at <= at) return policies[i].policy;
  return DEFAULT_COMPILED;
}

function holdsFor(ctx: DerivationContext, item: DataFacts): readonly HoldInterval[] {
  const candidates = scopedCandidates(ctx, item.subjectId);
  if (candidates.length === 0) return ctx.tenantHolds;
  const scoped = candidates.filter((hold) => holdScopeCovers(hold, item));
  if (scoped.length === 0) return ctx.tenantHolds;
  return ctx.tenantHolds.length === 0 ? scoped : [...ctx.tenantHolds, ...scoped];
}

/** A data item's obligations: data-deleted, max-age, and the purge of data created after its subject's deletion. */
export function deriveData(ctx: DerivationContext, item: DataFacts, out: Obligation[]): number {
  const category = item.category;
  const store = item.store;
  if (category === null || store === null) return 0; // a deletion waits for its data-created
  const { state } = ctx;
  const createdAt = item.createdAt;
  const atCreation = policyAt(state, createdAt);
  const creationRules = rulesIn(atCreation, store.region);
  const rules = creationRules.categories.get(category);
  const deletion =
    item.deletedAt === null ? null : deletionRound(item.deletedAt, state.dataHistory?.get(item.dataId));
  const deletedAt = deletion === null ? null : deletion.trig;
  const onDeletion = deletedAt === null ? null : policyAt(state, deletedAt);
  const deletionRules = onDeletion === null ? null : rulesIn(onDeletion, store.region);
  const dataRule = deletionRules?.categories.get(category)?.onDataDeletion;
  const maxAge = rules?.maxAge;
  const owner = item.subjectId === null ? undefined : state.subjects.get(item.subjectId);
  const onSubject = owner && deletedBefore(owner, createdAt) ? rules?.onSubjectDeletion : null;
  if (!dataRule && !maxAge && !onSubject) return 0;

  const hash = (item.idHash ??= dataIdHash(state.tenantId, item.dataId));
  const holds = holdsFor(ctx, item);
  const target: DeletionTarget = { kind: 'data', dataId: item.dataId };
  let mask = 0;
  if (dataRule && onDeletion && deletedAt !== null) {
    const trig = deletedAt;
    push(out, state, {
      id: `ob.data-deleted.${hash}`,
      store,
      target,
      reason: 'data-deleted',
      trig,
      due: addDuration(trig, dataRule.after),
      deadline: addDuration(trig, dataRule.deadline),
      version: onDeletion.version,
      jurisdiction: deletionRules === null ? null : jurisdictionOf(deletionRules, category),
      flag: trig < createdAt ? 'deleted-before-created' : null,
      holds,
      superseded: false,
      reactivatedAt: deletion?.restoredAt ?? null,
      cancelledBy: 'restore',
    });
    mask |= DATA_DELETED;
  }
  if (maxAge) {
    const due = addDuration(createdAt, maxAge.age);
    push(out, state, {
      id: `ob.max-age.${hash}`,
      store,
      target,
      reason: 'max-age',
      trig: createdAt,
      due,
      deadline: addDuration(due, maxAge.grace),
      version: atCreation.version,
      jurisdiction: jurisdictionOf(creationRules, category),
      flag: null,
      holds,
      superseded: false,
      reactivatedAt: null,
    });
    mask |= MAX_AGE;
  }
  if (onSubject) {
    push(out, state, {
      id: `ob.user-deleted.${hash}`,
      store,
      target,
      reason: 'user-deleted',
      trig: createdAt,
      due: addDuration(createdAt, onSubject.after),
      deadline: addDuration(createdAt, onSubject.deadline),
      version: atCreation.version,
      jurisdiction: jurisdictionOf(creationRules, category),
      flag: 'created-after-subject-deletion',
      holds,
      superseded: false,
      reactivatedAt: null,
    });
    mask |= CREATED_AFTER_DELETION;
  }
  return mask;
}

/**
 * Which deletion of a data item the purge follows, given its restores: the earliest
 * deletion, unless a restore came after it; then the first deletion after the last
 * restore (deleted again), or, if none, the purge is cancelled by the first restore
 * after the last deletion before it. At equal times a restore wins (it came back).
 */
function deletionRound(
  earliest: number,
  history: DataHistory | undefined,
): { trig: number; restoredAt: number | null } {
  const deletions = history?.laterDeletions;
  const restores = history?.restores;
  if (!restores || restores.length === 0) return { trig: earliest, restoredAt: null };
  const lastRestore = restores[restores.length - 1].at;
  if (lastRestore < earliest) return { trig: earliest, restoredAt: null };
  const again = deletions?.find((d) => d > lastRestore);
  if (again !== undefined) return { trig: again, restoredAt: null };
  let lastDeletion = earliest;
  for (const d of deletions ?? []) if (d <= lastRestore) lastDeletion = Math.max(lastDeletion, d);
  const restoredAt = restores.find((r) => r.at >= lastDeletion)?.at ?? lastRestore;
  return { trig: lastDeletion, restoredAt };
}

/** Was the subject deleted (and not restored since) before `at`? */
function deletedBefore(subject: SubjectFacts, at: number): boolean {
  return lastDeletionBefore(subject, at) !== undefined;
}

/** The subject's last deletion before `at`, unless a restore at or after it (and before `at`) undid it. */
export function lastDeletionBefore(subject: SubjectFacts, at: number): number | undefined {
  const deletions = subject.deletions;
  if (!deletions || deletions[0].at >= at) return undefined;
  let last = deletions[0].at;
  for (const d of deletions) if (d.at < at) last = d.at;
  return subject.restores?.some((r) => r.at >= last && r.at < at) ? undefined : last;
}

/**
 * A deleted subject's obligations: one per region and store holding the subject's
 * data (created at or before the deletion) in a category the policy in force at the
 * deletion purges. Its target names every such category, so the store purges them
 * all, including data whose data-created has not reached the ledger yet, and never
 * a kept one. Due and deadline are the strictest among the categories present.
 * Later duplicate deletions yield obligations only where commands were issued for
 * them. Returns the ids of those duplicates too (`candidates`), so their commands
 * find the group.
 */
export function deriveSubject(
  ctx: DerivationContext,
  subject: SubjectFacts,
  out: Obligation[],
  candidates: string[],
): void {
  const { state } = ctx;
  const deletions = subject.deletions;
  if (!deletions) return;
  const restores = subject.restores ?? [];
  const candidatesHolds = scopedCandidates(ctx, subject.subjectId);
  deletions.forEach((deletion, index) => {
    const policy = policyAt(state, deletion.at);
    const perStore = new Map<
      StoreRef,
      { due: number; deadline: number; holds: readonly HoldInterval[]; jurisdiction: string | null }
    >();
    for (const item of subject.data) {
      if (
        item.subjectId !== subject.subjectId ||
        item.category === null ||
        item.store === null ||
        item.createdAt > deletion.at
      )
        continue;
      const inRegion = rulesIn(policy, item.store.region);
      const rule = inRegion.categories.get(item.category)?.onSubjectDeletion;
      if (!rule) continue;
      const jurisdiction = jurisdictionOf(inRegion, item.category);
      const due = addDuration(deletion.at, rule.after);
      const deadline = addDuration(deletion.at, rule.deadline);
      // A store purge takes every item there: a hold on any of them suspends it (holds win).
      const scoped = candidatesHolds.filter((hold) => holdScopeCovers(hold, item));
      const known = perStore.get(item.store);
      if (!known) perStore.set(item.store, { due, deadline, holds: scoped, jurisdiction });
      else {
        known.due = Math.min(known.due, due);
        known.deadline = Math.min(known.deadline, deadline);
        known.jurisdiction ??= jurisdiction;
        if (scoped.length > 0) known.holds = [...new Set([...known.holds, ...scoped])];
      }
    }
    const previous = index > 0 ? deletions[index - 1] : undefined;
    // A deletion after a restore is a new one, not a duplicate.
    const superseded =
      previous !== undefined && !restores.some((r) => r.at >= previous.at && r.at < deletion.at);
    const restored = restores.find((r) => r.at >= deletion.at);
    for (const [store, { due, deadline, holds, jurisdiction }] of perStore) {
      const target: DeletionTarget = {
        kind: 'subject',
        subjectId: subject.subjectId,
        categories: rulesIn(policy, store.region).subjectPurgeCategories as string[],
      };
      const id = storeObligationId(state, 'user-deleted', deletion.eventId, store);
      candidates.push(id);
      push(out, state, {
        id,
        store,
        target,
        reason: 'user-deleted',
        trig: deletion.at,
        due,
        deadline,
        version: policy.version,
        jurisdiction,
        flag: superseded ? 'superseded' : null,
        holds: holds.length === 0 ? ctx.tenantHolds : [...ctx.tenantHolds, ...holds],
        superseded,
        reactivatedAt: restored ? restored.at : null,
        cancelledBy: 'restore',
      });
    }
  });
}

/**
 * The tenant's subscription-ended obligations: per end, one per region and store
 * holding tenant data in a category the policy in force at the end purges (data
 * created before the purge is due). A later end without a reactivation in between
 * is a duplicate. The first reactivation after an end cancels its obligations, or
 * flags them when a command was issued.
 */
export function deriveTenant(ctx: DerivationContext, out: Obligation[], candidates: string[]): void {
  const { state } = ctx;
  if (!state.ends) return;
  // The subscription's timeline; at equal times an end sorts before a reactivation (the tenant came back).
  const timeline = [
    ...state.ends.map((f) => ({ ...f, end: true })),
    ...(state.reactivations ?? []).map((f) => ({ ...f, end: false })),
  ].sort((a, b) => a.at - b.at || Number(b.end) - Number(a.end) || compare(a.eventId, b.eventId));
  const stores: StoreRef[] = [];
  for (const byStore of state.stores?.values() ?? [])
    for (const ref of byStore.values()) if (ref.minCreatedAt) stores.push(ref);
  stores.sort((a, b) => compare(a.key, b.key));
  timeline.forEach((event, position) => {
    if (!event.end) return;
    const superseded = position > 0 && timeline[position - 1].end;
    const reactivation = timeline.slice(position + 1).find((e) => !e.end);
    const policy = policyAt(state, event.at);
    const expedited = 'expedite' in event && event.expedite === true;
    for (const store of stores) {
      const inRegion = rulesIn(policy, store.region);
      const target: DeletionTarget = {
        kind: 'tenant',
        categories: inRegion.subscriptionPurgeCategories as string[],
      };
      let due = Infinity;
      let deadline = Infinity;
      let jurisdiction: string | null = null;
      for (const [category, minCreatedAt] of store.minCreatedAt ?? []) {
        const rule = inRegion.categories.get(category)?.onSubscriptionEnd;
        if (!rule) continue;
        jurisdiction ??= jurisdictionOf(inRegion, category);
        // An expedited deletion skips the expired and disabled stages: a short delay (policy `expedited`), then purge.
        const categoryDue = expedited
          ? addDuration(event.at, policy.expedited.after)
          : subscriptionDueAt(event.at, rule);
        if (minCreatedAt > categoryDue) continue; // data that came after the purge was due
        due = Math.min(due, categoryDue);
        deadline = Math.min(
          deadline,
          addDuration(event.at, expedited ? policy.expedited.deadline : rule.deadline),
        );
      }
      if (due === Infinity) continue;
      const id = storeObligationId(state, 'subscription-ended', event.eventId, store);
      candidates.push(id);
      push(out, state, {
        id,
        store,
        target,
        reason: 'subscription-ended',
        trig: event.at,
        due,
        deadline,
        version: policy.version,
        jurisdiction,
        flag: superseded ? 'superseded' : null,
        holds: storeHolds(ctx).get(store.key) ?? ctx.tenantHolds,
        superseded,
        reactivatedAt: reactivation ? reactivation.at : null,
        cancelledBy: 'reactivation',
        expedited,
      });
    }
  });
}

/** A store-scoped obligation id, cached in the state's derivation book. */
function storeObligationId(
  state: TenantState,
  reason: 'user-deleted' | 'subscription-ended',
  eventId: string,
  store: StoreRef,
): string {
  const cache = (state.derivation.storeIds ??= new Map());
  const key = `${reason}\u0000${eventId}\u0000${store.key}`;
  let id = cache.get(key);
  if (id === undefined) {
    id = `ob.${reason}.${storeIdHash(state.tenantId, eventId, store.region, store.store)}`;
    cache.set(key, id);
  }
  return id;
}

/**
 * A scoped hold also suspends the tenant-wide purge of each store holding data in its
 * scope (holds win): the subject's data, the data item, or data of the category.
 */
function storeHolds(ctx: DerivationContext): ReadonlyMap<string, readonly HoldInterval[]> {
  if (ctx.storeHolds) return ctx.storeHolds;
  const result = new Map<string, HoldInterval[]>();
  const add = (key: string, hold: HoldInterval) => {
    const list = result.get(key) ?? [...ctx.tenantHolds];
    if (!list.includes(hold)) list.push(hold);
    result.set(key, list);
  };
  const scoped = [...ctx.otherHolds];
  for (const holds of ctx.subjectHolds?.values() ?? []) scoped.push(...holds);
  for (const hold of scoped) {
    if (hold.subjectId !== null || hold.dataId !== null) {
      const items =
        hold.subjectId !== null
          ? (ctx.state.subjects.get(hold.subjectId)?.data ?? [])
          : [ctx.state.data.get(hold.dataId ?? '')].filter((i): i is DataFacts => i !== undefined);
      for (const item of items) if (item.store && holdScopeCovers(hold, item)) add(item.store.key, hold);
    } else {
      for (const byStore of ctx.state.stores?.values() ?? [])
        for (const ref of byStore.values())
          if (ref.minCreatedAt?.has(hold.category ?? '')) add(ref.key, hold);
    }
  }
  ctx.storeHolds = result;
  return result;
}

function push(out: Obligation[], state: TenantState, draft: Draft): void {
  const obligation = finalize(state, draft);
  if (obligation) out.push(obligation);
}
