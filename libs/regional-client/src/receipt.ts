import type { ReceiptStatus } from '@app/contracts';

/**
 * The value of a `deletion-receipts.<region>` record (DESIGN.md "Public contract v1"),
 * published with the tenantId as key.
 */
export interface Receipt {
  commandId: string;
  tenantId: string;
  region: string;
  store: string;
  status: ReceiptStatus;
  /** RFC 3339 (UTC, milliseconds). */
  completedAt: string;
  deletedCount?: number;
  error?: string;
}

/**
 * The JSON text published for a receipt: contract fields only, in contract order,
 * absent optionals left out. A re-sent receipt renders byte-identical to the first,
 * so the ledger's derived receipt id (commandId, status, completedAt) absorbs it.
 */
export function receiptValue(r: Receipt): string {
  const value: Receipt = {
    commandId: r.commandId,
    tenantId: r.tenantId,
    region: r.region,
    store: r.store,
    status: r.status,
    completedAt: r.completedAt,
  };
  if (r.deletedCount !== undefined) value.deletedCount = r.deletedCount;
  if (r.error !== undefined) value.error = r.error;
  return JSON.stringify(value);
}
