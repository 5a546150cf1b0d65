import type { DedupeStore, Receipt } from '@app/regional-client';
import type { StoreDatabase } from './store-database';

/**
 * The dedupe store in the reference store's own SQLite file. The handler records each
 * completed receipt inside its delete transaction (`StoreDatabase.purge`); the client's
 * later `put` of the same receipt is then a no-op. Survives restarts, so a command
 * redelivered after a crash is answered with the very receipt first produced.
 */
export class SqliteDedupeStore implements DedupeStore {
  constructor(private readonly db: StoreDatabase) {}

  async get(commandId: string): Promise<Receipt | undefined> {
    return this.db.receipt(commandId);
  }

  async put(receipt: Receipt): Promise<void> {
    this.db.rememberReceipt(receipt);
  }
}
