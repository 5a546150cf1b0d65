import { IntervalJob } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { Checkpoint } from './checkpoint';
import type { CheckpointStore } from './checkpoint-store';
import { makeCheckpoint, type CheckpointOutcome } from './ledger-proof';
import type { SigningKey } from './signing-key';

export interface CheckpointerDeps {
  ledger: LedgerStore;
  store: CheckpointStore;
  key: SigningKey;
  /** Sends a checkpoint out of the operator's database (the `ledger-checkpoints` topic). */
  publish: (checkpoint: Checkpoint) => Promise<void>;
  clock: () => Date;
  intervalMs: number;
  log: {
    info: (obj: object, msg: string) => void;
    error: (obj: object, msg: string) => void;
  };
}

/**
 * Makes a checkpoint when started and then every CHECKPOINT_INTERVAL: verifies the
 * ledger (and that it extends the last checkpoint), signs the heads, keeps it beside the
 * ledger and publishes it, so copies leave the operator's hands as they are made. A
 * ledger that does not verify is logged as an error and not signed; a failed publish is
 * retried at the next interval with a new checkpoint.
 */
export class Checkpointer {
  private readonly job: IntervalJob;

  constructor(private readonly deps: CheckpointerDeps) {
    this.job = new IntervalJob(
      () => this.once(),
      deps.intervalMs,
      (err) => deps.log.error({ err }, 'checkpoint failed; retried at the next interval'),
    );
  }

  start(): void {
    this.job.start();
  }

  async once(): Promise<CheckpointOutcome> {
    const { ledger, store, key, clock, log } = this.deps;
    const outcome = await makeCheckpoint(ledger, key, clock(), await store.latest());
    if (!outcome.ok) {
      log.error(
        { tenantId: outcome.tenantId, position: outcome.position, reason: outcome.reason },
        'the ledger does not verify: no checkpoint signed',
      );
      return outcome;
    }
    await store.add(outcome.checkpoint);
    await this.deps.publish(outcome.checkpoint);
    const { treeSize, ledgerSize, rootHash, createdAt } = outcome.checkpoint;
    log.info({ treeSize, ledgerSize, rootHash, createdAt }, 'checkpoint signed and published');
    return outcome;
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
