/**
 * Purge obligations: what must be deleted, where, by when, and how far the
 * dispatcher and the regional store got. Derived from the ledger, never stored as
 * the source of truth.
 */

import type { DeletionReason, DeletionTarget } from '@app/contracts/deletion-command';

/** Why an obligation exists: the contract's `DeletionReason` (an obligation's reason is its command's). */
export type ObligationReason = DeletionReason;

/** `resolved`: closed by an operator (done by hand, or waived), never by the system's confirmation. */
export type ObligationStatus =
  'scheduled' | 'held' | 'cancelled' | 'issued' | 'confirmed' | 'failed' | 'resolved';

/**
 * What a regional store must purge: the contract's `DeletionTarget` (libs/contracts,
 * defined there once), so an obligation's target is its command's. A store purges only
 * the categories named, so a user's deletion never takes the audit log with it.
 */
export type { DeletionTarget };

/**
 * Remarks an auditor should see. Sorted in each obligation.
 * - `created-after-subject-deletion`: the data was created after its subject had been deleted; purged at once.
 * - `deleted-before-created`: the data-deleted fact is older than the data-created one (producer clocks).
 * - `superseded`: a later duplicate trigger (the same user deleted twice, a second subscription end without
 *   reactivation in between) for which a command was nevertheless issued.
 * - `reactivation-too-late`: the subscription was reactivated after a command had been issued.
 * - `issued-after-reactivation`: a command was issued although the reactivation had occurred before it
 *   (the dispatcher had not seen it yet): the tenant's data was purged despite the reactivation.
 * - `issued-during-hold`: a command was issued while a legal hold covering it was active.
 * - `hold-placed-after-issue`: a legal hold covering it was placed after its command had been issued.
 * - `receipt-region-mismatch`: a receipt for one of its commands came from another region or store
 *   than the command went to; the receipt was ignored.
 * - `restore-too-late`: the data or user was restored after a command had been issued.
 * - `issued-after-restore`: a command was issued although the restore had occurred before it.
 * - `deadline-extended`: an operator moved the deadline (`originalDeadline` keeps the promise made).
 * - `expedited`: an expedited tenant deletion (short delay, holds do not suspend it).
 * - `hold-overridden`: an expedited deletion went ahead although a legal hold covered it.
 */
export type ObligationFlag =
  | 'created-after-subject-deletion'
  | 'deleted-before-created'
  | 'superseded'
  | 'reactivation-too-late'
  | 'issued-after-reactivation'
  | 'issued-during-hold'
  | 'hold-placed-after-issue'
  | 'receipt-region-mismatch'
  | 'restore-too-late'
  | 'issued-after-restore'
  | 'deadline-extended'
  | 'expedited'
  | 'hold-overridden';

/** An operator's action on the obligation, as the ledger records it. */
export interface OperatorAction {
  readonly kind: 'retry' | 'resolve' | 'extend';
  readonly eventId: string;
  readonly at: string;
  readonly actor: string;
  readonly reason: string;
  /** With `resolve`. */
  readonly resolution?: 'done-manually' | 'waived';
  /** With `extend`: the new deadline asked for. */
  readonly until?: string;
}

export interface ObligationCommand {
  readonly commandId: string;
  readonly issuedAt: string;
  readonly attempt: number;
}

export interface Obligation {
  readonly obligationId: string;
  readonly tenantId: string;
  readonly region: string;
  readonly store: string;
  readonly target: DeletionTarget;
  readonly reason: ObligationReason;
  /** Event time of the fact that created the obligation (the deletion, the end, the data's creation). */
  readonly triggeredAt: string;
  /** When its command may be issued; extended by released holds. */
  readonly dueAt: string;
  /** The promise; extended by released holds. */
  readonly deadline: string;
  readonly status: ObligationStatus;
  /** The version of the policy in force at `triggeredAt` (from the ledger's PolicyActivated entries). */
  readonly policyVersion: string;
  readonly flags: ObligationFlag[];
  /** Legal holds that suspended it (released or still active), sorted. */
  readonly holdIds?: string[];
  /** With status `held`: since when an unreleased hold suspends it. */
  readonly heldSince?: string;
  /** Commands issued for it, by attempt. */
  readonly commands?: ObligationCommand[];
  readonly confirmedAt?: string;
  readonly failedAt?: string;
  readonly error?: string;
  /** With status `cancelled`: when the subscription was reactivated (or the data or user restored). */
  readonly cancelledAt?: string;
  /** With status `cancelled`: what cancelled it. */
  readonly cancelledBy?: 'reactivation' | 'restore';
  /** The region whose own policy rules applied (policy `regions`); absent: the base rules. */
  readonly jurisdiction?: string;
  /** With `deadline-extended`: the deadline before any operator extension (holds included). */
  readonly originalDeadline?: string;
  /** With status `resolved`: the operator's ruling resolution (the earliest). */
  readonly resolution?: {
    readonly status: 'done-manually' | 'waived';
    readonly at: string;
    readonly actor: string;
    readonly reason: string;
  };
  /** The latest operator retry: the dispatcher counts attempts from here. */
  readonly retriedAt?: string;
  /** Every operator action on it, by time. */
  readonly operations?: OperatorAction[];
}
