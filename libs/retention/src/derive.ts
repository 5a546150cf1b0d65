import { compare } from './evolve';
import { formatInstant } from './internal/time';
import type {
  DeletionTarget,
  Obligation,
  ObligationFlag,
  ObligationReason,
  ObligationStatus,
} from './obligation';
import { dataIdHash, storeIdHash } from './obligation-id';
import { compilePolicy, subscriptionDueAt, type CompiledPolicy } from './policy/compiled-policy';
import { addDuration } from './policy/duration';
import { DEFAULT_POLICY } from './policy/policy';
import {
  listOf,
  type CommandFact,
  type DataFacts,
  type ReceiptFact,
  type StoreRef,
  type SubjectFacts,
  type TenantState,
} from './state';

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

/** A legal hold as an interval of event time: [from, to), `to` = Infinity while unreleased. */
export interface HoldInterval {
  readonly holdId: string;
  readonly from: number;
  readonly to: number;
  readonly subjectId: string | null;
}

const NO_HOLDS: readonly HoldInterval[] = [];

export interface DerivationContext {
  readonly state: TenantState;
  readonly tenantHolds: readonly HoldInterval[];
  readonly subjectHolds: ReadonlyMap<string, readonly HoldInterval[]> | null;
  /** Per store key: the holds covering a tenant-wide purge there (computed when first needed). */
  storeHolds?: ReadonlyMap<string, readonly HoldInterval[]>;
}

export function derivationContext(state: TenantState): DerivationContext {
  if (!state.holds) return { state, tenantHolds: NO_HOLDS, subjectHolds: null };
  const tenantHolds: HoldInterval[] = [];
  const subjectHolds = new Map<string, HoldInterval[]>();
  for (const hold of state.holds.values()) {
    const placed = hold.placements[0];
    if (!placed) continue; // a release without its placement waits for it
    // The first release at or after the placement ends the hold; releases that only precede it (producer
    // clocks) release it at once.
    const releases = hold.releases;
    const released = releases.find((r) => r.at >= placed.at) ?? releases[0];
    const interval: HoldInterval = {
      holdId: hold.holdId,
      from: placed.at,
      to: released ? Math.max(released.at, placed.at) : Infinity,
      subjectId: placed.subjectId,
    };
    if (interval.subjectId === null) tenantHolds.push(interval);
    else {
      const list = subjectHolds.get(interval.subjectId);
      if (list) list.push(interval);
      else subjectHolds.set(interval.subjectId, [interval]);
    }
  }
  return { state, tenantHolds, subjectHolds };
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

interface Draft {
  readonly id: string;
  readonly store: StoreRef;
  readonly target: DeletionTarget;
  readonly reason: ObligationReason;
  readonly trig: number;
  readonly due: number;
  readonly deadline: number;
  readonly version: string;
  readonly flag: ObligationFlag | null;
  readonly holds: readonly HoldInterval[];
  /** A later duplicate trigger: shown only if a command was issued for it. */
  readonly superseded: boolean;
  /** Reactivation time for a subscription-ended obligation, if the subscription was reactivated. */
  readonly reactivatedAt: number | null;
}

function holdsFor(ctx: DerivationContext, subjectId: string | null): readonly HoldInterval[] {
  const subject = subjectId === null ? undefined : ctx.subjectHolds?.get(subjectId);
  if (!subject) return ctx.tenantHolds;
  return ctx.tenantHolds.length === 0 ? subject : [...ctx.tenantHolds, ...subject];
}

/** A data item's obligations: data-deleted, max-age, and the purge of data created after its subject's deletion. */
export function deriveData(ctx: DerivationContext, item: DataFacts, out: Obligation[]): number {
  const category = item.category;
  const store = item.store;
  if (category === null || store === null) return 0; // a deletion waits for its data-created
  const { state } = ctx;
  const createdAt = item.createdAt;
  const atCreation = policyAt(state, createdAt);
  const rules = atCreation.categories.get(category);
  const deletedAt = item.deletedAt;
  const onDeletion = deletedAt === null ? null : policyAt(state, deletedAt);
  const dataRule = onDeletion?.categories.get(category)?.onDataDeletion;
  const maxAge = rules?.maxAge;
  const subjectDeletion =
    item.subjectId === null ? undefined : state.subjects.get(item.subjectId)?.deletions?.[0];
  const onSubject = subjectDeletion && createdAt > subjectDeletion.at ? rules?.onSubjectDeletion : null;
  if (!dataRule && !maxAge && !onSubject) return 0;

  const hash = (item.idHash ??= dataIdHash(state.tenantId, item.dataId));
  const holds = holdsFor(ctx, item.subjectId);
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
      flag: trig < createdAt ? 'deleted-before-created' : null,
      holds,
      superseded: false,
      reactivatedAt: null,
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
  const holds = holdsFor(ctx, subject.subjectId);
  deletions.forEach((deletion, index) => {
    const policy = policyAt(state, deletion.at);
    const perStore = new Map<StoreRef, { due: number; deadline: number }>();
    for (const item of subject.data) {
      if (
        item.subjectId !== subject.subjectId ||
        item.category === null ||
        item.store === null ||
        item.createdAt > deletion.at
      )
        continue;
      const rule = policy.categories.get(item.category)?.onSubjectDeletion;
      if (!rule) continue;
      const due = addDuration(deletion.at, rule.after);
      const deadline = addDuration(deletion.at, rule.deadline);
      const known = perStore.get(item.store);
      if (!known) perStore.set(item.store, { due, deadline });
      else {
        known.due = Math.min(known.due, due);
        known.deadline = Math.min(known.deadline, deadline);
      }
    }
    const target: DeletionTarget = {
      kind: 'subject',
      subjectId: subject.subjectId,
      categories: policy.subjectPurgeCategories as string[],
    };
    for (const [store, { due, deadline }] of perStore) {
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
        flag: index > 0 ? 'superseded' : null,
        holds,
        superseded: index > 0,
        reactivatedAt: null,
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
    const target: DeletionTarget = {
      kind: 'tenant',
      categories: policy.subscriptionPurgeCategories as string[],
    };
    for (const store of stores) {
      let due = Infinity;
      let deadline = Infinity;
      for (const [category, minCreatedAt] of store.minCreatedAt ?? []) {
        const rule = policy.categories.get(category)?.onSubscriptionEnd;
        if (!rule) continue;
        const categoryDue = subscriptionDueAt(event.at, rule);
        if (minCreatedAt > categoryDue) continue; // data that came after the purge was due
        due = Math.min(due, categoryDue);
        deadline = Math.min(deadline, addDuration(event.at, rule.deadline));
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
        flag: superseded ? 'superseded' : null,
        holds: storeHolds(ctx).get(store.key) ?? ctx.tenantHolds,
        superseded,
        reactivatedAt: reactivation ? reactivation.at : null,
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

/** A subject hold also suspends a tenant-wide purge of each store holding that subject's data: holds win. */
function storeHolds(ctx: DerivationContext): ReadonlyMap<string, readonly HoldInterval[]> {
  if (ctx.storeHolds) return ctx.storeHolds;
  const result = new Map<string, HoldInterval[]>();
  for (const [subjectId, holds] of ctx.subjectHolds ?? []) {
    const subject = ctx.state.subjects.get(subjectId);
    if (!subject) continue;
    const keys = new Set<string>();
    for (const item of subject.data) if (item.subjectId === subjectId && item.store) keys.add(item.store.key);
    for (const key of keys) {
      const list = result.get(key) ?? [...ctx.tenantHolds];
      list.push(...holds);
      result.set(key, list);
    }
  }
  ctx.storeHolds = result;
  return result;
}

function push(out: Obligation[], state: TenantState, draft: Draft): void {
  const obligation = finalize(state, draft);
  if (obligation) out.push(obligation);
}

function byAttempt(a: CommandFact, b: CommandFact): number {
  return a.attempt - b.attempt || a.issuedAt - b.issuedAt || compare(a.commandId, b.commandId);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_COMMANDS: readonly CommandFact[] = [];

function addFlag(flags: ObligationFlag[], flag: ObligationFlag): void {
  if (!flags.includes(flag)) flags.push(flag);
}

/**
 * Status follows the ledger: commands and receipts; a reactivation cancels what
 * was never issued; holds suspend. The clock stops while a covering hold is active
 * and resumes at its release (released holds extend due and deadline by the time
 * they overlapped the not yet dispatched obligation); an unreleased hold shows as
 * status `held` with due and deadline not yet extended, and `heldSince`.
 */
function finalize(state: TenantState, draft: Draft): Obligation | null {
  const listed = state.commandsByObligation?.get(draft.id);
  let commands: readonly CommandFact[] = NO_COMMANDS;
  if (listed !== undefined) {
    // Only the ruling fact of each commandId counts.
    if (!Array.isArray(listed))
      commands = state.commands?.get(listed.commandId) === listed ? [listed] : NO_COMMANDS;
    else commands = listed.filter((c) => state.commands?.get(c.commandId) === c).sort(byAttempt);
  }
  if (draft.superseded && commands.length === 0) return null;

  const flags: ObligationFlag[] = draft.flag ? [draft.flag] : [];
  const latest = commands[commands.length - 1];
  let confirmedAt = Infinity;
  let failure: ReceiptFact | undefined;
  let firstIssuedAt = Infinity;
  for (const command of commands) {
    firstIssuedAt = Math.min(firstIssuedAt, command.issuedAt);
    for (const receipt of listOf(command.receipts)) {
      if (receipt.store !== command.store) addFlag(flags, 'receipt-region-mismatch');
      else if (receipt.outcome === 'confirmed') confirmedAt = Math.min(confirmedAt, receipt.at);
      else if (
        command === latest &&
        (!failure ||
          receipt.at > failure.at ||
          (receipt.at === failure.at && compare(receipt.error ?? '', failure.error ?? '') > 0))
      ) {
        failure = receipt;
      }
    }
  }

  // Holds: the clock, the status and the flags.
  let due = draft.due;
  let deadline = draft.deadline;
  let holdIds: string[] | null = null;
  let openSince = Infinity;
  if (draft.holds.length > 0) {
    const closed: Array<[number, number]> = [];
    for (const hold of draft.holds) {
      // Skip holds without length, over before the trigger, or placed after the purge was confirmed.
      if (hold.to <= hold.from || hold.to <= draft.trig || hold.from >= confirmedAt) continue;
      (holdIds ??= []).push(hold.holdId);
      for (const command of commands)
        if (hold.from <= command.issuedAt && command.issuedAt < hold.to) addFlag(flags, 'issued-during-hold');
      if (hold.from > firstIssuedAt) addFlag(flags, 'hold-placed-after-issue');
      const from = Math.max(hold.from, draft.trig);
      if (hold.to === Infinity) openSince = Math.min(openSince, from);
      else {
        const to = Math.min(hold.to, firstIssuedAt); // once dispatched, the clock no longer stops
        if (to > from) closed.push([from, to]);
      }
    }
    if (closed.length > 0) {
      closed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const merged: Array<[number, number]> = [];
      for (const interval of closed) {
        const last = merged[merged.length - 1];
        if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
        else merged.push(interval);
      }
      due = resume(draft.trig, due, merged);
      deadline = resume(draft.trig, deadline, merged);
    }
  }
  const held = openSince !== Infinity;

  let status: ObligationStatus;
  if (commands.length === 0)
    status = draft.reactivatedAt !== null ? 'cancelled' : held ? 'held' : 'scheduled';
  else if (confirmedAt !== Infinity) status = 'confirmed';
  else if (failure) status = held ? 'held' : 'failed';
  else status = 'issued';

  if (draft.reactivatedAt !== null && commands.length > 0) {
    addFlag(
      flags,
      firstIssuedAt <= draft.reactivatedAt ? 'reactivation-too-late' : 'issued-after-reactivation',
    );
  }

  const target = draft.target;
  const obligation: Mutable<Obligation> = {
    obligationId: draft.id,
    tenantId: state.tenantId,
    region: draft.store.region,
    store: draft.store.store,
    // Each obligation gets its own target: callers may hand it on or change it.
    target:
      target.kind === 'data'
        ? { kind: 'data', dataId: target.dataId }
        : { ...target, categories: [...target.categories] },
    reason: draft.reason,
    triggeredAt: formatInstant(draft.trig),
    dueAt: formatInstant(due),
    deadline: formatInstant(deadline),
    status,
    policyVersion: draft.version,
    flags: flags.length > 1 ? flags.sort() : flags,
  };
  if (holdIds && status !== 'cancelled') obligation.holdIds = holdIds.sort();
  if (status === 'held') obligation.heldSince = formatInstant(openSince);
  if (commands.length > 0) {
    obligation.commands = commands.map((c) => ({
      commandId: c.commandId,
      issuedAt: formatInstant(c.issuedAt),
      attempt: c.attempt,
    }));
  }
  if (confirmedAt !== Infinity) obligation.confirmedAt = formatInstant(confirmedAt);
  if (failure && status !== 'confirmed') {
    obligation.failedAt = formatInstant(failure.at);
    if (failure.error !== undefined) obligation.error = failure.error;
  }
  if (status === 'cancelled' && draft.reactivatedAt !== null)
    obligation.cancelledAt = formatInstant(draft.reactivatedAt);
  return obligation;
}

/**
 * The instant `target` would have been at on a clock that started at `trig` and
 * stopped during each (merged, sorted, clipped to start at or after `trig`) hold
 * interval that began before the clock got there. A hold placed exactly at the
 * instant still counts: holds win.
 */
function resume(trig: number, target: number, merged: ReadonlyArray<readonly [number, number]>): number {
  let at = target;
  for (const [from, to] of merged) {
    if (from > at) break;
    at += to - Math.max(from, trig);
  }
  return at;
}
