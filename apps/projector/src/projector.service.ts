import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LEDGER_STORE, LOGGER, Logger, READ_MODEL, WORK_SIGNAL, WorkSignal } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import { Projector } from './projector';

const IDLE_POLL_MS = 50;

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
    while (!this.stopped) {
      try {
        const { entries, changed } = await this.projector.step();
        if (changed.length > 0) this.signal.emit('obligations');
        if (entries === 0) await this.signal.wait('ledger', IDLE_POLL_MS);
      } catch (err) {
        this.log.error({ err }, 'projection step failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.signal.emit('ledger');
    await this.loop;
  }
}
