import type { LedgerEntry, NewEntry } from '@app/contracts';

/**
 * A receipt is accepted only for a command the ledger issued, from the region and store
 * the command went to, for the same tenant (DESIGN.md semantics 7).
 */
export function receiptCheck(
  findIssued: (commandId: string) => Promise<LedgerEntry | undefined>,
): (entry: NewEntry) => Promise<string | undefined> {
  return async (entry) => {
    if (entry.type !== 'DeletionConfirmed' && entry.type !== 'DeletionFailed') return undefined;
    const receipt = entry.data as { commandId: string; region: string; store: string };
    const issued = await findIssued(receipt.commandId);
    if (!issued || issued.type !== 'DeletionCommandIssued') {
      return `receipt for unknown commandId "${receipt.commandId}"`;
    }
    const cmd = issued.data as { region: string; store: string };
    if (cmd.region !== receipt.region) {
      return `receipt from region "${receipt.region}" for command ${receipt.commandId}, which went to region "${cmd.region}"`;
    }
    if (cmd.store !== receipt.store) {
      return `receipt from store "${receipt.store}" for command ${receipt.commandId}, which went to store "${cmd.store}"`;
    }
    if (issued.tenantId !== entry.tenantId) {
      return `receipt for tenant "${entry.tenantId}" but command ${receipt.commandId} belongs to another tenant`;
    }
    return undefined;
  };
}
