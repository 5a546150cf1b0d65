import type { LedgerEntry, NewEntry } from '@app/contracts';
import { acceptReceipt } from '@app/retention';

/**
 * Ingest's side of receipt acceptance: looks the command up in the ledger and lets the
 * domain rule (`acceptReceipt`, libs/retention) judge. Undefined: accepted; else the reason.
 */
export function receiptCheck(
  findIssued: (commandId: string) => Promise<LedgerEntry | undefined>,
): (entry: NewEntry) => Promise<string | undefined> {
  return async (entry) => {
    if (entry.type !== 'DeletionConfirmed' && entry.type !== 'DeletionFailed') return undefined;
    const receipt = entry.data as { commandId: string; region: string; store: string };
    const found = await findIssued(receipt.commandId);
    const command =
      found?.type === 'DeletionCommandIssued' ? (found.data as { region: string; store: string }) : null;
    const issued =
      command && found
        ? { tenantId: found.tenantId, region: command.region, store: command.store }
        : undefined;
    const claim = {
      tenantId: entry.tenantId,
      commandId: receipt.commandId,
      region: receipt.region,
      store: receipt.store,
    };
    const verdict = acceptReceipt(claim, issued);
    return verdict.accepted ? undefined : verdict.reason;
  };
}
