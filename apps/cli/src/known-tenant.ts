import { UnknownTenantError, type LedgerStore } from '@app/ledger';

/** A tenant the ledger has never seen is an error (exit 2), never an empty answer. */
export async function requireKnownTenant(ledger: LedgerStore, tenantId: string): Promise<void> {
  for await (const _entry of ledger.readStream(tenantId)) return;
  throw new UnknownTenantError(tenantId);
}
