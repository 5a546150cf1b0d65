import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  backoffMs,
  faultKind,
  LEDGER_STORE,
  LOGGER,
  Logger,
  READ_MODEL,
  WORK_SIGNAL,
  WorkSignal,
} from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import { Projector } from './projector';

const IDLE_POLL_MS = 50;
const MAX_BACKOFF_MS = 30_000;

/** Catch-up, then live: polls the ledger when idle and wakes the dispatcher on changes. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly projector: Projector;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(LEDGER_STORE) ledger: LedgerStore,
    @Inject(READ_MODEL) readModel: ReadModel,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(WORK_SIGNAL) private readonly signal: WorkSignal,
  ) {
    this.projector = new Projector(ledger, readModel, { batchSize: 5000, cachedTenants: 5000 });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.loop = this.run();
    this.log.info('projector running');
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const { entries, changed } = await this.projector.step();
        failures = 0;
        if (changed.length > 0) this.signal.emit('obligations');
        if (entries === 0) await this.signal.wait('ledger', IDLE_POLL_MS);
      } catch (err) {
        // Nothing is lost (the step is redone from the checkpoint); back off while the store is away.
        failures++;
        const waitMs = backoffMs(failures, { initialMs: 200, maxMs: MAX_BACKOFF_MS });
        this.log.error(
          { err, kind: faultKind(err), waitMs },
          'projection step failed; retrying with backoff',
        );
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.signal.emit('ledger');
    await this.loop;
  }
}
