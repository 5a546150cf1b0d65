import {
  subjectKeyOf,
  type EntryFacts,
  type EntryType,
  type HoldContext,
  type OperatorPart,
} from '@app/contracts/entry-types';
import { parseInstant } from '@app/contracts/validation/rfc3339';
import {
  markAllDirty,
  markDirty,
  markHoldScope,
  markObligation,
  markSubjectAndData,
  markTenant,
} from './derivation-book';
import { dataFacts, dataHistory, holdFacts, intern, storeRef, subjectFacts } from './fact-containers';
import { compilePolicy } from './policy/compiled-policy';
import { checkPolicyMemo } from './policy/parse-policy';
import {
  initialState,
  type CommandFact,
  type DataFacts,
  type HoldPlacement,
  type OperatorFact,
  type ReceiptFact,
  type StoreRef,
  type TenantState,
  type TimedFact,
} from './state';

/** The ledger entry union, discriminated by `type`, so a switch narrows `data`. */
export type AnyEntry = { [T in EntryType]: EntryFacts<T> }[EntryType];

/** A fold over the tenant's ledger entries was handed an entry of another tenant. */
export class TenantMismatchError extends Error {
  override readonly name = 'TenantMismatchError';
}

/**
 * The fold: adds one ledger entry's fact to the tenant's state and returns the
 * state (the same object, updated: see `TenantState`).
 *
 * Idempotent (an entry applied twice changes nothing) and commutative (the result
 * is the same for every arrival order): every fact goes into a container keyed by
 * its eventId or content, or is aggregated by a minimum under a total order.
 * Cost per entry is O(1) amortised, except: a UserDeleted marks the subject's data
 * items for re-derivation, a subject-scope hold marks the subject's items, and a
 * PolicyActivated or a tenant-wide hold marks everything.
 *
 * PolicyActivated entries are accepted whatever their tenantId: a policy applies
 * to every tenant, and the ledger keeps it in a stream of its own.
 */
export function evolve(state: TenantState, entry: EntryFacts): TenantState {
  const e = entry as AnyEntry;
  if (e.type !== 'PolicyActivated' && e.tenantId !== state.tenantId) {
    throw new TenantMismatchError(
      `entry ${e.eventId} of tenant ${e.tenantId} folded into the state of tenant ${state.tenantId}`,
    );
  }
  const at = parseInstant(e.occurredAt);
  if (Number.isNaN(at)) return ignore(state, e.eventId);
  // The fold's subject id is the ledger's name for the subject: its pseudonym once sealed.
  const subjectId = e.subject === null ? null : subjectKeyOf(e.subject);
  switch (e.type) {
    case 'DataCreated': {
      const store = storeRef(state, e.data.region, e.data.store);
      onDataCreated(state, dataFacts(state, e.data.dataId), at, intern(e.data.category), store, subjectId);
      return state;
    }
    case 'DataDeleted':
      return onDataDeleted(state, e, at);
    case 'UserDeleted':
      return subjectId === null ? ignore(state, e.eventId) : onUserDeleted(state, subjectId, e.eventId, at);
    case 'SubscriptionEnded': {
      const end =
        e.data.expedite === true
          ? { eventId: e.eventId, at, expedite: true as const }
          : { eventId: e.eventId, at };
      if (insertTimed((state.ends ??= []), end)) markTenant(state);
      return state;
    }
    case 'SubscriptionReactivated':
      if (insertTimed((state.reactivations ??= []), { eventId: e.eventId, at })) markTenant(state);
      return state;
    case 'LegalHoldPlaced':
      return onHoldPlaced(state, e, at, subjectId);
    case 'LegalHoldReleased': {
      const hold = holdFacts(state, e.data.holdId);
      // A release can end any placement of its id: every scope the id was placed with changes.
      if (insertTimed(hold.releases, { eventId: e.eventId, at, context: holdContext(e.data) }))
        for (const placement of hold.placements) markHoldScope(state, placement);
      return state;
    }
    case 'DataRestored': {
      const item = dataFacts(state, e.data.dataId);
      const history = dataHistory(state, item.dataId);
      if (insertTimed((history.restores ??= []), { eventId: e.eventId, at })) markDirty(state, item);
      return state;
    }
    case 'UserRestored': {
      if (subjectId === null) return ignore(state, e.eventId);
      const subject = subjectFacts(state, subjectId);
      if (insertTimed((subject.restores ??= []), { eventId: e.eventId, at }))
        markSubjectAndData(state, subject);
      return state;
    }
    case 'ObligationRetried':
    case 'ObligationResolved':
    case 'ObligationExtended':
      return onOperatorEntry(state, e, at);
    case 'DeletionCommandIssued':
      return onCommandEntry(state, e);
    case 'DeletionConfirmed':
    case 'DeletionFailed':
      return onReceiptEntry(state, e);
    case 'PolicyActivated':
      return onPolicyActivated(state, e, at);
    case 'SubjectShredded':
      // Shredding destroys a key, not a fact: the fold works on pseudonyms, so nothing derived
      // changes (property: order-independence.spec.ts); it is only remembered as done.
      (state.shreddedSubjects ??= new Set()).add(e.data.pseudonym);
      return state;
    case 'LedgerMigrated':
      // Provenance of a migrated stream, nothing to derive.
      return state;
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
}

type EntryOf<T extends EntryType> = Extract<AnyEntry, { type: T }>;

function onDataDeleted(state: TenantState, e: EntryOf<'DataDeleted'>, at: number): TenantState {
  const item = dataFacts(state, e.data.dataId);
  const by = e.data.deletedBy;
  const previous = item.deletedAt;
  // The earliest deletion rules; at equal times, 'admin' before 'user'.
  if (previous === null || at < previous || (at === previous && by < (item.deletedBy ?? ''))) {
    item.deletedAt = at;
    item.deletedBy = by;
    markDirty(state, item);
  }
  // The later deletion times are kept too (a set; null for the usual single deletion): after a
  // restore, the next deletion re-triggers the purge.
  const later =
    previous !== null && previous > at ? previous : previous !== null && at > previous ? at : null;
  if (later !== null) {
    const history = dataHistory(state, item.dataId);
    if (insertTime((history.laterDeletions ??= []), later) && history.restores) markDirty(state, item);
  }
  return state;
}

function onUserDeleted(state: TenantState, subjectId: string, eventId: string, at: number): TenantState {
  const subject = subjectFacts(state, subjectId);
  // Which of the subject's items were created after its deletion may have changed.
  if (insertTimed((subject.deletions ??= []), { eventId, at })) markSubjectAndData(state, subject);
  return state;
}

function onHoldPlaced(
  state: TenantState,
  e: EntryOf<'LegalHoldPlaced'>,
  at: number,
  subjectId: string | null,
): TenantState {
  const hold = holdFacts(state, e.data.holdId);
  const placement: HoldPlacement = {
    eventId: e.eventId,
    at,
    subjectId,
    dataId: e.data.dataId ?? null,
    category: e.data.category === undefined ? null : intern(e.data.category),
    context: holdContext(e.data),
  };
  if (!insertTimed(hold.placements, placement)) return state;
  if (subjectId !== null) (state.heldSubjects ??= new Set()).add(subjectId);
  if (placement.dataId !== null) (state.heldData ??= new Set()).add(placement.dataId);
  markHoldScope(state, placement);
  return state;
}

function onOperatorEntry(
  state: TenantState,
  e: EntryOf<'ObligationRetried' | 'ObligationResolved' | 'ObligationExtended'>,
  at: number,
): TenantState {
  const common = { eventId: e.eventId, at, ...actorOf(e.data) };
  switch (e.type) {
    case 'ObligationRetried':
      return onOperation(state, e.data.obligationId, { kind: 'retry', ...common });
    case 'ObligationResolved':
      return onOperation(state, e.data.obligationId, {
        kind: 'resolve',
        ...common,
        resolution: e.data.resolution,
      });
    case 'ObligationExtended': {
      const until = parseInstant(e.data.until);
      if (Number.isNaN(until)) return ignore(state, e.eventId);
      return onOperation(state, e.data.obligationId, { kind: 'extend', ...common, until });
    }
  }
}

function onCommandEntry(state: TenantState, e: EntryOf<'DeletionCommandIssued'>): TenantState {
  const issuedAt = parseInstant(e.data.issuedAt);
  if (Number.isNaN(issuedAt)) return ignore(state, e.eventId);
  onCommand(state, {
    commandId: e.data.commandId,
    obligationId: e.data.obligationId,
    store: storeRef(state, e.data.region, e.data.store),
    issuedAt,
    attempt: e.data.attempt,
    receipts: null,
  });
  return state;
}

function onReceiptEntry(state: TenantState, e: EntryOf<'DeletionConfirmed' | 'DeletionFailed'>): TenantState {
  const completedAt = parseInstant(e.data.completedAt);
  if (Number.isNaN(completedAt)) return ignore(state, e.eventId);
  const store = storeRef(state, e.data.region, e.data.store);
  const receipt: ReceiptFact =
    e.type === 'DeletionFailed' && e.data.error !== undefined
      ? { outcome: 'failed', store, at: completedAt, error: e.data.error }
      : { outcome: e.type === 'DeletionConfirmed' ? 'confirmed' : 'failed', store, at: completedAt };
  onReceipt(state, e.data.commandId, receipt);
  return state;
}

function onPolicyActivated(state: TenantState, e: EntryOf<'PolicyActivated'>, at: number): TenantState {
  if (
    state.policies?.some((p) => p.eventId === e.eventId) ||
    state.invalidPolicies?.some((p) => p.eventId === e.eventId)
  ) {
    return state;
  }
  const checked = checkPolicyMemo(e.data.policy);
  if (!checked.policy) {
    // The loader validates before appending, so the ledger was written by something else.
    // Ignoring it (the previous policy stays in force) keeps the projection running; it is reported.
    (state.invalidPolicies ??= []).push({ eventId: e.eventId, issues: checked.issues });
    return state;
  }
  const version = e.data.version || checked.policy.version;
  const policies = (state.policies ??= []);
  policies.push({ eventId: e.eventId, at, version, policy: compilePolicy(checked.policy, version) });
  policies.sort((a, b) => a.at - b.at || compare(a.version, b.version) || compare(a.eventId, b.eventId));
  markAllDirty(state);
  return state;
}

/** Folds entries into a state (a fresh one for `tenantId` unless given). */
export function foldEntries(
  tenantId: string,
  entries: Iterable<EntryFacts>,
  state: TenantState = initialState(tenantId),
): TenantState {
  for (const entry of entries) evolve(state, entry);
  return state;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ignore(state: TenantState, eventId: string): TenantState {
  const ignored = (state.ignoredEntries ??= []);
  if (!ignored.includes(eventId)) ignored.push(eventId);
  return state;
}

/** Inserts into a list sorted by (at, eventId) unless that eventId is there. True when added. */
function insertTimed<T extends TimedFact>(list: T[], fact: T): boolean {
  if (list.some((f) => f.eventId === fact.eventId)) return false;
  let i = list.length;
  while (
    i > 0 &&
    (list[i - 1].at > fact.at || (list[i - 1].at === fact.at && list[i - 1].eventId > fact.eventId))
  )
    i--;
  list.splice(i, 0, fact);
  return true;
}

/** Inserts into a sorted list of distinct times; true when added. */
function insertTime(list: number[], at: number): boolean {
  let i = list.length;
  while (i > 0 && list[i - 1] > at) i--;
  if (i > 0 && list[i - 1] === at) return false;
  list.splice(i, 0, at);
  return true;
}

function onDataCreated(
  state: TenantState,
  item: DataFacts,
  at: number,
  category: string,
  store: StoreRef,
  entrySubjectId: string | null,
): void {
  // Every creation fact counts for the stores a tenant-wide purge must reach.
  const minCreatedAt = (store.minCreatedAt ??= new Map());
  const min = minCreatedAt.get(category);
  if (min === undefined || at < min) {
    minCreatedAt.set(category, at);
    if (state.ends) markTenant(state);
  }
  const subject = entrySubjectId === null ? null : subjectFacts(state, entrySubjectId);
  // One copy of each subject id per tenant: the subject's own.
  const subjectId = subject ? subject.subjectId : null;
  const first = item.category === null;
  // Of conflicting creations, the least by (at, category, region/store, subject) rules.
  const wins =
    first ||
    at < item.createdAt ||
    (at === item.createdAt &&
      (compare(category, item.category ?? '') ||
        compare(store.key, item.store?.key ?? '') ||
        compare(subjectId ?? '', item.subjectId ?? '')) < 0);
  if (subject && subjectId !== null) {
    // The list has no repeats: an item joins it at its first creation naming the subject.
    if (first || (item.subjectId !== subjectId && !subject.data.includes(item))) subject.data.push(item);
    // Data created after the subject's last deletion changes none of its stores (it is purged on its own).
    const deletions = subject.deletions;
    if (wins && deletions && at <= deletions[deletions.length - 1].at) markDirty(state, subject);
    // Where a held subject's data lives decides which tenant-wide purges its hold covers.
    if (wins && state.ends && state.heldSubjects?.has(subjectId)) markTenant(state);
  }
  if (!wins) return;
  const previousSubject = item.subjectId;
  item.createdAt = at;
  item.category = category;
  item.store = store;
  item.subjectId = subjectId;
  markDirty(state, item);
  if (previousSubject !== null && previousSubject !== subjectId) {
    const previous = state.subjects.get(previousSubject);
    if (previous) markDirty(state, previous);
    if (state.ends && state.heldSubjects?.has(previousSubject)) markTenant(state);
  }
}

/** The same fact again (a redelivery): the same commandId with the same content. */
function sameCommand(a: CommandFact, b: CommandFact): boolean {
  return (
    a.commandId === b.commandId &&
    a.obligationId === b.obligationId &&
    a.store === b.store &&
    a.issuedAt === b.issuedAt &&
    a.attempt === b.attempt
  );
}

/** Total order on conflicting facts for one commandId. */
function compareCommands(a: CommandFact, b: CommandFact): number {
  return (
    a.issuedAt - b.issuedAt ||
    a.attempt - b.attempt ||
    compare(a.obligationId, b.obligationId) ||
    compare(a.store.key, b.store.key)
  );
}

function onCommand(state: TenantState, command: CommandFact): void {
  const commands = (state.commands ??= new Map());
  const known = commands.get(command.commandId);
  if (known && sameCommand(known, command)) return; // a redelivery
  const byObligation = (state.commandsByObligation ??= new Map<string, CommandFact[]>());
  const listed = byObligation.get(command.obligationId);
  if (listed === undefined) byObligation.set(command.obligationId, [command]);
  else if (listed.some((c) => sameCommand(c, command))) return;
  else listed.push(command);
  if (!known || compareCommands(command, known) < 0) {
    commands.set(command.commandId, command);
    // Receipts live on the ruling command of their commandId: those that came first, or the previous ruler's.
    if (known) {
      command.receipts = known.receipts;
      known.receipts = null;
    } else {
      const early = state.receipts?.get(command.commandId);
      if (early !== undefined) {
        command.receipts = early;
        state.receipts?.delete(command.commandId);
      }
    }
  }
  markObligation(state, command.obligationId);
  if (known && known.obligationId !== command.obligationId) markObligation(state, known.obligationId);
}

function sameReceipt(a: ReceiptFact, b: ReceiptFact): boolean {
  return a.outcome === b.outcome && a.store === b.store && a.at === b.at && a.error === b.error;
}

/** Adds a receipt to a list unless an equal one is there; the list (a new one for none), or undefined for no change. */
function withReceipt(
  list: ReceiptFact[] | null | undefined,
  receipt: ReceiptFact,
): ReceiptFact[] | undefined {
  if (list === null || list === undefined) return [receipt];
  if (list.some((r) => sameReceipt(r, receipt))) return undefined;
  list.push(receipt);
  return list;
}

function onReceipt(state: TenantState, commandId: string, receipt: ReceiptFact): void {
  const command = state.commands?.get(commandId);
  if (command) {
    const next = withReceipt(command.receipts, receipt);
    if (next === undefined) return;
    command.receipts = next;
    markObligation(state, command.obligationId);
    return;
  }
  // Before its command: kept aside until the command arrives.
  const early = (state.receipts ??= new Map());
  const next = withReceipt(early.get(commandId), receipt);
  if (next !== undefined) early.set(commandId, next);
}

/** Only the context fields a producer gave (the entry's data may carry others). */
function holdContext(data: HoldContext): HoldContext | null {
  if (data.reason === undefined && data.caseRef === undefined && data.placedBy === undefined) return null;
  const context: HoldContext = {};
  if (data.reason !== undefined) context.reason = data.reason;
  if (data.caseRef !== undefined) context.caseRef = data.caseRef;
  if (data.placedBy !== undefined) context.placedBy = data.placedBy;
  return context;
}

function actorOf(data: OperatorPart): OperatorPart {
  return { actor: data.actor, reason: data.reason };
}

/** Operator facts are a set per obligation (sorted by (at, eventId)); they reach the group once it emitted the id. */
function onOperation(state: TenantState, obligationId: string, fact: OperatorFact): TenantState {
  const operations = (state.operations ??= new Map());
  let list = operations.get(obligationId);
  if (!list) {
    list = [];
    operations.set(obligationId, list);
  }
  if (insertTimed(list, fact)) markObligation(state, obligationId);
  return state;
}
