import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
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
import {
  leaseHolder,
  openLeaseStore,
  PROJECTOR_LEASE_MS,
  ProjectorLock,
  type LeaseStore,
  type ReadModel,
} from '@app/read-model';
import type { Projector } from './projector';
import { createProjector } from './create-projector';

const IDLE_POLL_MS = 50;
const MAX_BACKOFF_MS = 30_000;

/**
 * Catch-up, then live: polls the ledger when idle and wakes the dispatcher on changes.
 * Only while it holds the read model's projector lock; otherwise it stands by.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly projector: Projector;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private leases: LeaseStore | undefined;
  private lock: ProjectorLock | undefined;
  /** Whether this process is the active projector (false: standby). */
  active = false;

  constructor(
    @Inject(LEDGER_STORE) ledger: LedgerStore,
    @Inject(READ_MODEL) readModel: ReadModel,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(WORK_SIGNAL) private readonly signal: WorkSignal,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.projector = createProjector(ledger, readModel, 'follow');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.leases = await openLeaseStore(this.config.readModelUrl);
    this.lock = new ProjectorLock(this.leases, leaseHolder('projector'));
    this.loop = this.run();
    this.log.info('projector running');
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.holdLock())) {
          await this.signal.wait('ledger', PROJECTOR_LEASE_MS / 5);
          continue;
        }
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

  /** Takes over when the active projector stops renewing; a takeover starts again from the checkpoint. */
  private async holdLock(): Promise<boolean> {
    const held = await this.lock!.hold();
    if (held !== this.active) {
      this.active = held;
      this.projector.restart();
      this.log.info({ holder: this.lock!.holder }, held ? 'projector active' : 'projector standing by');
    }
    return held;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.signal.emit('ledger');
    await this.loop;
    if (this.active) await this.lock?.release().catch(() => undefined);
    await this.leases?.close();
  }
}
