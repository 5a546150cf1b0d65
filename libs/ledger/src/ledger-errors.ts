/**
 * Errors of the ledger that are the caller's to fix, not a broken ledger: the CLI
 * maps them to exit 2 (usage or configuration), the API to 404.
 */

/** A tenant the ledger has never seen: an error, never an empty "ok". */
export class UnknownTenantError extends Error {
  override readonly name = 'UnknownTenantError';
  constructor(readonly tenantId: string) {
    super(`the ledger has no entries for tenant ${tenantId}`);
  }
}

/** A read-only open of a ledger that does not exist (read-only commands never create one). */
export class LedgerNotFoundError extends Error {
  override readonly name = 'LedgerNotFoundError';
}
