import type { DeletionCommand, RawRecord } from '@app/contracts';
import { decodeCommand } from './command-decoder';
import type { DedupeStore } from './dedupe-store';
import type { DeletionContext, DeletionHandler } from './deletion-handler';
import { receiptErrorText } from './error-text';
import type { Receipt } from './receipt';

export type RejectionHook = (raw: RawRecord, reason: string) => void | Promise<void>;

export interface CommandProcessorOptions {
  region: string;
  handler: DeletionHandler;
  dedupe: DedupeStore;
  now: () => Date;
  onRejected: RejectionHook;
  /** When set, commands for other stores of the region are left to those stores (no receipt). */
  stores?: ReadonlySet<string>;
}

export interface ClientCounters {
  /** Handler ran and succeeded. */
  executed: number;
  /** Already completed: the stored receipt was sent again, the handler not called. */
  repeated: number;
  /** Handler threw: a failed receipt was sent. */
  failed: number;
  /** Malformed, another region's, or a reused commandId: not executed, no receipt. */
  rejected: number;
  /** For another store of this region (the `stores` option). */
  ignored: number;
}

function invalidCount(n: unknown): boolean {
  return typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0;
}

/**
 * The Kafka-free core of the client: one batch of command records in, the receipts to
 * publish out. Records are handled in order, one at a time, so a command repeated
 * within a batch already sees the first one's dedupe record.
 */
export class CommandProcessor {
  readonly counters: ClientCounters = { executed: 0, repeated: 0, failed: 0, rejected: 0, ignored: 0 };

  constructor(private readonly opts: CommandProcessorOptions) {}

  async process(records: RawRecord[]): Promise<Receipt[]> {
    const receipts: Receipt[] = [];
    for (const raw of records) {
      const receipt = await this.processOne(raw);
      if (receipt) receipts.push(receipt);
    }
    return receipts;
  }

  private async processOne(raw: RawRecord): Promise<Receipt | undefined> {
    const decoded = decodeCommand(raw, this.opts.region);
    if (!decoded.ok) return this.reject(raw, decoded.reason);
    const command = decoded.command;
    if (this.opts.stores && !this.opts.stores.has(command.store)) {
      this.counters.ignored++;
      return undefined;
    }
    const done = await this.opts.dedupe.get(command.commandId);
    if (done?.status === 'completed') {
      // Re-sending another tenant's or store's receipt would confirm a deletion that never ran.
      if (
        done.tenantId !== command.tenantId ||
        done.store !== command.store ||
        done.region !== command.region
      ) {
        return this.reject(
          raw,
          `commandId was already completed for a different tenant, region or store; not executed`,
        );
      }
      this.counters.repeated++;
      return done;
    }
    return this.execute(command);
  }

  private async reject(raw: RawRecord, reason: string): Promise<undefined> {
    this.counters.rejected++;
    await this.opts.onRejected(raw, reason);
    return undefined;
  }

  private completed(command: DeletionCommand, deletedCount: number): Receipt {
    if (invalidCount(deletedCount))
      throw new Error(`handler returned an invalid deletedCount (${String(deletedCount)})`);
    return {
      commandId: command.commandId,
      tenantId: command.tenantId,
      region: command.region,
      store: command.store,
      status: 'completed',
      completedAt: this.opts.now().toISOString(),
      deletedCount,
    };
  }

  private async execute(command: DeletionCommand): Promise<Receipt> {
    let recorded: Receipt | undefined;
    const context: DeletionContext = {
      completedReceipt: (deletedCount) => {
        recorded ??= this.completed(command, deletedCount);
        return { ...recorded };
      },
    };
    let receipt: Receipt;
    try {
      const result = await this.opts.handler(command, context);
      receipt = recorded ?? this.completed(command, result?.deletedCount);
    } catch (error) {
      this.counters.failed++;
      // Not remembered: a retry of this command must run the handler again.
      return {
        commandId: command.commandId,
        tenantId: command.tenantId,
        region: command.region,
        store: command.store,
        status: 'failed',
        completedAt: this.opts.now().toISOString(),
        error: receiptErrorText(error, command),
      };
    }
    // Outside the try: a dedupe store that cannot write is an infrastructure fault, not a
    // failed deletion; throwing fails the batch, which is redelivered (offsets not committed).
    await this.opts.dedupe.put(receipt);
    this.counters.executed++;
    return receipt;
  }
}
