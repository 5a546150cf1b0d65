import { NotFoundException } from '@nestjs/common';
import type { LedgerStore } from '@app/ledger';

/**
 * A mistyped tenant must not look like a tenant with nothing to purge: a compliance
 * report of "0 obligations" for a tenant that never existed would mislead an auditor.
 */
export async function requireTenant(ledger: LedgerStore, tenantId: string): Promise<void> {
  for await (const _entry of ledger.readStream(tenantId, 1)) return;
  throw new NotFoundException(`the ledger has no entries for tenant ${tenantId}`);
}
