import type { Receipt } from './receipt';

/**
 * Where a regional store remembers the commands it has completed, so that a repeated
 * command (redelivery, dispatcher retry) is answered with the stored receipt instead
 * of running the deletion again (DESIGN.md: commands are idempotent by commandId).
 *
 * Only `completed` receipts are remembered: a failed command must run again when it
 * is retried. `put` never overwrites: the first completed receipt is the answer.
 */
export interface DedupeStore {
  get(commandId: string): Promise<Receipt | undefined>;
  put(receipt: Receipt): Promise<void>;
}

/**
 * The default: good for tests and stores whose deletes are naturally idempotent.
 * It forgets everything on restart, so a command repeated after a restart runs again
 * (and reports `deletedCount: 0`); persist the receipts beside your data to avoid that.
 */
export class InMemoryDedupeStore implements DedupeStore {
  private readonly receipts = new Map<string, Receipt>();

  async get(commandId: string): Promise<Receipt | undefined> {
    return this.receipts.get(commandId);
  }

  async put(receipt: Receipt): Promise<void> {
    if (receipt.status !== 'completed' || this.receipts.has(receipt.commandId)) return;
    this.receipts.set(receipt.commandId, { ...receipt });
  }
}
