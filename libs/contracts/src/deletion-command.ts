/**
 * The value of a `deletion-commands.<region>` record (DESIGN.md "Public contract v1").
 * Produced by the dispatcher, consumed by regional stores; idempotent by `commandId`.
 */
export const DELETION_REASONS = ['data-deleted', 'user-deleted', 'subscription-ended', 'max-age'] as const;
export type DeletionReason = (typeof DELETION_REASONS)[number];

export const DELETION_TARGET_KINDS = ['data', 'subject', 'tenant'] as const;

/**
 * What to purge. Subject and tenant targets name their categories because a store
 * must purge only those: a user's deletion never takes the audit log with it.
 */
export type DeletionTarget =
  | { kind: 'data'; dataId: string }
  | { kind: 'subject'; subjectId: string; categories: string[] }
  | { kind: 'tenant'; categories: string[] };

export interface DeletionCommand {
  commandId: string;
  obligationId: string;
  tenantId: string;
  region: string;
  store: string;
  target: DeletionTarget;
  reason: DeletionReason;
  /** RFC 3339: when the command was allowed to be issued. */
  dueAt: string;
  /** RFC 3339: the promise; a receipt after it is a breach. */
  deadline: string;
  /** RFC 3339. */
  issuedAt: string;
  policyVersion: string;
}
