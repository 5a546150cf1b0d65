/**
 * The retention domain: policy, the fold over ledger entries, and the purge
 * obligations derived from it. Pure: no IO, no clock, no Nest.
 * Test helpers: `@app/retention/testing`.
 */
export { evolve, foldEntries, TenantMismatchError, type AnyEntry } from './evolve';
export { initialState, type TenantState } from './state';
export {
  obligations,
  drainChanges,
  obligationsOfData,
  compareObligations,
  type ObligationChanges,
} from './obligations';
export type {
  Obligation,
  ObligationCommand,
  ObligationFlag,
  ObligationReason,
  ObligationStatus,
  DeletionTarget,
  OperatorAction,
} from './obligation';
export { isObligationStatus, OBLIGATION_STATUSES } from './obligation-statuses';
export {
  obligationIdOf,
  reasonOfObligationId,
  OBLIGATION_ID_PATTERN,
  type ObligationKey,
} from './obligation-id';
export { auditView, AUDIT_VERDICTS, type AuditVerdict, type AuditView } from './audit';
export { holdIntervals, unmatchedReleases, type HoldInterval } from './holds/hold-intervals';
export { holdScopeCovers, holdSuspends } from './holds/holds-win';
export {
  DEFAULT_POLICY,
  DEFAULT_POLICY_VERSION,
  type Policy,
  type CategoryRules,
  type DeletionRule,
  type SubscriptionEndRule,
  type MaxAgeRule,
} from './policy/policy';
export {
  parsePolicy,
  validatePolicy,
  checkPolicy,
  PolicyError,
  type PolicyIssue,
  type PolicyFormat,
} from './policy/parse-policy';
export { canonicalPolicyJson } from './policy/canonical';
export {
  decideOperation,
  OPERATOR_EVENT_ID_PREFIX,
  type OperatorRequest,
  type OperatorContext,
  type OperatorDecision,
} from './operations';
export { checkPolicyChange } from './policy/policy-change';
export { diffObligations, type ObligationChange } from './policy/obligation-diff';
export { DEFAULT_EXPEDITED, type ExpeditedRule, type RegionRules } from './policy/policy';
export { attemptsSinceRetry, nextAttempt, retriesExhausted } from './dispatch/attempts';
export {
  decide,
  attemptBackoffMs,
  type DispatchCommand,
  type DispatchEvent,
  type DispatchRules,
  type DispatchState,
  type AttemptCause,
} from './dispatch/decide';
export { isOverdue, isOwed, isDueSoon, timeToDeadlineMs, SETTLED_STATUSES } from './status/overdue';
export {
  acceptReceipt,
  fromCommandStore,
  type ReceiptClaim,
  type IssuedCommandRef,
  type ReceiptVerdict,
  type StorePlace,
} from './receipts/accept-receipt';
export {
  decidePolicyActivation,
  type ActivePolicyEntry,
  type PolicyCandidate,
  type PolicyActivationDecision,
} from './policy/activation';
export * from './subjects/shred-refusal';
export * from './subjects/shred-due';
export { policyAt } from './derive';
export * from './subjects/shred-fact';
