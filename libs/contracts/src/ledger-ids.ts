/**
 * Event ids the system itself gives ledger entries, so that every component derives
 * the same id for the same fact (the ledger's eventId idempotency then dedupes).
 */
export function issuedEventId(commandId: string): string {
  return `issued:${commandId}`;
}

/**
 * The ledger stream of PolicyActivated entries. `$` is outside the tenantId alphabet
 * ([A-Za-z0-9._-]), so no producer can write into it; the projector applies its
 * entries to every tenant.
 */
export const POLICY_STREAM = '$policy';
