import { compare } from './evolve';
import type { HoldInterval } from './holds/hold-intervals';
import { holdSuspends } from './holds/holds-win';
import { formatInstant } from '@app/contracts/validation/rfc3339';
import type {
  DeletionTarget,
  Obligation,
  ObligationCommand,
  ObligationFlag,
  ObligationReason,
  ObligationStatus,
  OperatorAction,
} from './obligation';
import { fromCommandStore } from './receipts/accept-receipt';
import type { CommandFact, OperatorFact, ReceiptFact, StoreRef, TenantState } from './state';

/**
 * From a draft (what the policy says an obligation is) to the obligation (how far the
 * ledger got with it), in five steps that each fit a screen: the ruling commands, their
 * receipts, the holds (clock, status, flags), the operator's facts, the status; then the
 * obligation is assembled.
 */

/** An obligation as the policy derives it, before the ledger's commands, receipts, holds and operators. */
export interface Draft {
  readonly id: string;
  readonly store: StoreRef;
  readonly target: DeletionTarget;
  readonly reason: ObligationReason;
  readonly trig: number;
  readonly due: number;
  readonly deadline: number;
  readonly version: string;
  /** The region whose own rules applied (policy `regions`), or null for the base rules. */
  readonly jurisdiction: string | null;
  readonly flag: ObligationFlag | null;
  readonly holds: readonly HoldInterval[];
  /** A later duplicate trigger: shown only if a command was issued for it. */
  readonly superseded: boolean;
  /** When a reactivation (or a restore) cancels it, if one does. */
  readonly reactivatedAt: number | null;
  /** What `reactivatedAt` is: a subscription reactivation, or a data or user restore. */
  readonly cancelledBy?: 'reactivation' | 'restore';
  /** An expedited tenant deletion: holds do not suspend it (flagged when one would have). */
  readonly expedited?: boolean;
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
export function finalize(state: TenantState, draft: Draft): Obligation | null {
  const commands = rulingCommands(state, draft.id);
  if (draft.superseded && commands.length === 0) return null;
  const flags: ObligationFlag[] = draft.flag ? [draft.flag] : [];
  const receipts = readReceipts(commands, flags);
  const holds = applyHolds(draft, commands, receipts, flags);
  const operator = readOperations(state.operations?.get(draft.id), holds.deadline, flags);
  const status = statusOf(draft, commands, receipts, holds, operator);
  if (draft.reactivatedAt !== null && commands.length > 0)
    addFlag(flags, reactivationFlag(draft, receipts.firstIssuedAt));
  return assemble(state, draft, { commands, flags, receipts, holds, operator, status });
}

function byAttempt(a: CommandFact, b: CommandFact): number {
  return a.attempt - b.attempt || a.issuedAt - b.issuedAt || compare(a.commandId, b.commandId);
}

/** The obligation's commands, by attempt: only the ruling fact of each commandId counts. */
function rulingCommands(state: TenantState, obligationId: string): readonly CommandFact[] {
  const listed = state.commandsByObligation?.get(obligationId);
  if (listed === undefined) return NO_COMMANDS;
  const ruling = listed.filter((c) => state.commands?.get(c.commandId) === c);
  return ruling.length > 1 ? ruling.sort(byAttempt) : ruling;
}

interface Receipts {
  /** The earliest confirmation from the command's store (Infinity: none). */
  readonly confirmedAt: number;
  /** The latest failure of the latest command (at equal times the greatest error). */
  readonly failure: ReceiptFact | undefined;
  readonly firstIssuedAt: number;
}

/** What the stores answered; receipts from elsewhere are flagged and ignored (`fromCommandStore`). */
function readReceipts(commands: readonly CommandFact[], flags: ObligationFlag[]): Receipts {
  const latest = commands[commands.length - 1];
  let confirmedAt = Infinity;
  let failure: ReceiptFact | undefined;
  let firstIssuedAt = Infinity;
  for (const command of commands) {
    firstIssuedAt = Math.min(firstIssuedAt, command.issuedAt);
    for (const receipt of command.receipts ?? []) {
      if (!fromCommandStore(receipt.store, command.store)) addFlag(flags, 'receipt-region-mismatch');
      else if (receipt.outcome === 'confirmed') confirmedAt = Math.min(confirmedAt, receipt.at);
      else if (command === latest && laterFailure(receipt, failure)) failure = receipt;
    }
  }
  return { confirmedAt, failure, firstIssuedAt };
}

function laterFailure(receipt: ReceiptFact, failure: ReceiptFact | undefined): boolean {
  return (
    !failure ||
    receipt.at > failure.at ||
    (receipt.at === failure.at && compare(receipt.error ?? '', failure.error ?? '') > 0)
  );
}

interface Holds {
  readonly due: number;
  readonly deadline: number;
  readonly holdIds: string[] | null;
  /** Since when an unreleased hold suspends it (Infinity: none does). */
  readonly openSince: number;
}

/** Holds win (`holdSuspends`): they stop the clock, hold the status and leave flags; an expedited deletion overrides them. */
function applyHolds(
  draft: Draft,
  commands: readonly CommandFact[],
  { confirmedAt, firstIssuedAt }: Receipts,
  flags: ObligationFlag[],
): Holds {
  const unchanged: Holds = { due: draft.due, deadline: draft.deadline, holdIds: null, openSince: Infinity };
  if (draft.expedited) {
    addFlag(flags, 'expedited');
    // The one case that overrides holds: an expedited tenant deletion goes ahead, flagged.
    if (draft.holds.some((hold) => holdSuspends(hold, draft.trig, confirmedAt)))
      addFlag(flags, 'hold-overridden');
    return unchanged;
  }
  if (draft.holds.length === 0) return unchanged;
  let holdIds: string[] | null = null;
  let openSince = Infinity;
  const closed: Array<[number, number]> = [];
  for (const hold of draft.holds) {
    if (!holdSuspends(hold, draft.trig, confirmedAt)) continue;
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
  if (closed.length === 0) return { ...unchanged, holdIds, openSince };
  const merged = mergeIntervals(closed);
  return {
    due: resume(draft.trig, draft.due, merged),
    deadline: resume(draft.trig, draft.deadline, merged),
    holdIds,
    openSince,
  };
}

function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  intervals.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push(interval);
  }
  return merged;
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

interface Operator {
  readonly operations: readonly OperatorFact[] | undefined;
  /** The latest retry (-Infinity: none). */
  readonly retriedAt: number;
  /** The earliest resolution rules. */
  readonly resolution: (OperatorFact & { kind: 'resolve' }) | undefined;
  /** The deadline after any extension, and before it. */
  readonly deadline: number;
  readonly originalDeadline: number;
}

/** Operator facts: retries, resolutions, extensions (an extension only ever moves the deadline later). */
function readOperations(
  operations: readonly OperatorFact[] | undefined,
  deadline: number,
  flags: ObligationFlag[],
): Operator {
  let retriedAt = -Infinity;
  let resolution: (OperatorFact & { kind: 'resolve' }) | undefined;
  let extendedUntil = -Infinity;
  for (const op of operations ?? []) {
    if (op.kind === 'retry') retriedAt = Math.max(retriedAt, op.at);
    else if (op.kind === 'resolve')
      resolution ??= op; // the list is sorted: the earliest rules
    else extendedUntil = Math.max(extendedUntil, op.until);
  }
  const extended = extendedUntil > deadline;
  if (extended) addFlag(flags, 'deadline-extended');
  return {
    operations,
    retriedAt,
    resolution,
    deadline: extended ? extendedUntil : deadline,
    originalDeadline: deadline,
  };
}

function statusOf(
  draft: Draft,
  commands: readonly CommandFact[],
  { confirmedAt, failure }: Receipts,
  { openSince }: Holds,
  { retriedAt, resolution }: Operator,
): ObligationStatus {
  const held = openSince !== Infinity;
  let status: ObligationStatus;
  if (commands.length === 0)
    status = draft.reactivatedAt !== null ? 'cancelled' : held ? 'held' : 'scheduled';
  else if (confirmedAt !== Infinity) status = 'confirmed';
  else if (failure) status = held ? 'held' : failure.at <= retriedAt ? 'scheduled' : 'failed';
  else status = 'issued';
  // A resolution closes what the system has not (a confirmation or a cancellation stays what it is).
  if (resolution && status !== 'confirmed' && status !== 'cancelled') status = 'resolved';
  return status;
}

/** A command was issued although a reactivation or restore came: too late, or after it. */
function reactivationFlag(draft: Draft, firstIssuedAt: number): ObligationFlag {
  const restore = draft.cancelledBy === 'restore';
  if (draft.reactivatedAt !== null && firstIssuedAt <= draft.reactivatedAt)
    return restore ? 'restore-too-late' : 'reactivation-too-late';
  return restore ? 'issued-after-restore' : 'issued-after-reactivation';
}

interface Steps {
  readonly commands: readonly CommandFact[];
  readonly flags: ObligationFlag[];
  readonly receipts: Receipts;
  readonly holds: Holds;
  readonly operator: Operator;
  readonly status: ObligationStatus;
}

function assemble(state: TenantState, draft: Draft, steps: Steps): Obligation {
  const { commands, flags, receipts, holds, operator, status } = steps;
  const { confirmedAt, failure } = receipts;
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
    dueAt: formatInstant(holds.due),
    deadline: formatInstant(operator.deadline),
    status,
    policyVersion: draft.version,
    flags: flags.length > 1 ? flags.sort() : flags,
  };
  if (holds.holdIds && status !== 'cancelled') obligation.holdIds = [...new Set(holds.holdIds)].sort();
  if (status === 'held') obligation.heldSince = formatInstant(holds.openSince);
  if (commands.length > 0) obligation.commands = commands.map(commandOf);
  if (confirmedAt !== Infinity) obligation.confirmedAt = formatInstant(confirmedAt);
  if (failure && status !== 'confirmed') {
    obligation.failedAt = formatInstant(failure.at);
    if (failure.error !== undefined) obligation.error = failure.error;
  }
  if (status === 'cancelled' && draft.reactivatedAt !== null) {
    obligation.cancelledAt = formatInstant(draft.reactivatedAt);
    obligation.cancelledBy = draft.cancelledBy ?? 'reactivation';
  }
  if (draft.jurisdiction !== null) obligation.jurisdiction = draft.jurisdiction;
  if (operator.deadline !== operator.originalDeadline)
    obligation.originalDeadline = formatInstant(operator.originalDeadline);
  assembleOperator(obligation, operator, status);
  return obligation;
}

function commandOf(c: CommandFact): ObligationCommand {
  return { commandId: c.commandId, issuedAt: formatInstant(c.issuedAt), attempt: c.attempt };
}

function assembleOperator(
  obligation: Mutable<Obligation>,
  operator: Operator,
  status: ObligationStatus,
): void {
  const { resolution, retriedAt, operations } = operator;
  if (resolution && status === 'resolved') {
    obligation.resolution = {
      status: resolution.resolution,
      at: formatInstant(resolution.at),
      actor: resolution.actor,
      reason: resolution.reason,
    };
  }
  if (retriedAt !== -Infinity) obligation.retriedAt = formatInstant(retriedAt);
  if (operations && operations.length > 0) obligation.operations = operations.map(operatorAction);
}

function operatorAction(op: OperatorFact): OperatorAction {
  const base = {
    kind: op.kind,
    eventId: op.eventId,
    at: formatInstant(op.at),
    actor: op.actor,
    reason: op.reason,
  };
  if (op.kind === 'resolve') return { ...base, resolution: op.resolution };
  if (op.kind === 'extend') return { ...base, until: formatInstant(op.until) };
  return base;
}
