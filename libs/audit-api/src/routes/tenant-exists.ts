import { NotFoundException } from '@nestjs/common';
import { streamHeadOf, type LedgerStore, type StreamHead } from '@app/ledger';

/**
 * A mistyped tenant must not look like a tenant with nothing to purge: a compliance
 * report of "0 obligations" for a tenant that never existed would mislead an auditor.
 */
export async function requireTenant(ledger: LedgerStore, tenantId: string): Promise<StreamHead> {
  // The stream head, an index lookup: reading the stream's first page cost up to 16 384 rows.
  const head = await streamHeadOf(ledger, tenantId);
  if (head !== undefined) return head;
  throw new NotFoundException(`the ledger has no entries for tenant ${tenantId}`);
}
