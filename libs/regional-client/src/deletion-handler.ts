import type { DeletionCommand } from '@app/contracts';
import type { Receipt } from './receipt';

export interface DeletionResult {
  /** Rows/objects actually purged; 0 is a valid answer (already gone). */
  deletedCount: number;
}

export interface DeletionContext {
  /**
   * The completed receipt this command gets for `deletedCount`. A store that keeps its
   * dedupe records beside its data calls it inside the delete's own transaction and
   * stores the result there, so the delete and its dedupe record commit together. The
   * first call fixes `completedAt`; the receipt returned is the one that will be sent
   * (it wins over the handler's return value).
   */
  completedReceipt(deletedCount: number): Receipt;
}

/**
 * Purges what the command names: only the categories listed for subject and tenant
 * targets. Throwing yields a `failed` receipt carrying the error message (never the stack).
 */
export type DeletionHandler = (command: DeletionCommand, context: DeletionContext) => Promise<DeletionResult>;
