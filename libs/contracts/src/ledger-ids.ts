/**
 * Event ids the system itself gives ledger entries, so that every component derives
 * the same id for the same fact (the ledger's eventId idempotency then dedupes).
 */
export function issuedEventId(commandId: string): string {
  return `issued:${commandId}`;
}

/** The entry of a regional store's receipt: a redelivery maps to the same id, a later success to another. */
export function receiptEventId(commandId: string, status: string, completedAt: string): string {
  return `receipt:${commandId}:${status}:${completedAt}`;
}

/**
 * Prefixes of the eventIds the system gives its own entries (above, the operator
 * actions' `op:…` of libs/retention's operations, and the policy loader's `policy:…`). eventIds are one namespace across the ledger, so a producer's
 * eventId with one of these prefixes could squat a system entry (its command or receipt
 * would then be a conflict): ingest refuses them. A new kind of system id adds its prefix here.
 */
export const SYSTEM_EVENT_ID_PREFIXES = ['issued:', 'receipt:', 'op:', 'policy:'] as const;

/** The reserved prefix `eventId` starts with, if any. */
export function reservedEventIdPrefix(eventId: string): string | undefined {
  return SYSTEM_EVENT_ID_PREFIXES.find((p) => eventId.startsWith(p));
}

/**
 * The ledger stream of PolicyActivated entries. `$` is outside the tenantId alphabet
 * ([A-Za-z0-9._-]), so no producer can write into it; the projector applies its
 * entries to every tenant.
 */
export const POLICY_STREAM = '$policy';
