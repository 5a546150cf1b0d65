import type { LeaseStore } from './lease-store';
import { releaseDeadLocalHolders } from './open-lease-store';

/** The lease name: one active projector (or rebuild) per read model. */
export const PROJECTOR_LEASE = 'projector';
/** How long a holder keeps the read model without renewing; a crashed projector's standby waits this long at most. */
export const PROJECTOR_LEASE_MS = 15_000;

/** Another process's projector or rebuild holds the read model. */
export class ProjectorBusyError extends Error {
  override readonly name = 'ProjectorBusyError';
}

/**
 * One active projector per read model (docs/scale-out.md): the projector renews this
 * lease as it goes, a standby tries it until the holder stops renewing, and a rebuild
 * takes it for its whole run from whichever process starts it.
 */
export class ProjectorLock {
  private heldUntil = 0;

  constructor(
    private readonly leases: LeaseStore,
    readonly holder: string,
    private readonly ttlMs = PROJECTOR_LEASE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes or renews the lease when a third of it has run; true while this holder has it. */
  async hold(): Promise<boolean> {
    const now = this.now();
    if (this.heldUntil - now > (this.ttlMs * 2) / 3) return true;
    let granted = await this.leases.claim([PROJECTOR_LEASE], this.holder, now, this.ttlMs);
    // A holder that crashed on this host need not be waited out.
    if (!granted.has(PROJECTOR_LEASE) && (await releaseDeadLocalHolders(this.leases)) > 0)
      granted = await this.leases.claim([PROJECTOR_LEASE], this.holder, now, this.ttlMs);
    this.heldUntil = granted.has(PROJECTOR_LEASE) ? now + this.ttlMs : 0;
    return this.heldUntil > 0;
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.leases.release([PROJECTOR_LEASE], this.holder);
  }

  /** Runs `fn` holding the lease (renewed meanwhile); refuses with ProjectorBusyError when someone else has it. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!(await this.hold())) {
      throw new ProjectorBusyError(
        'another process runs the projector or a rebuild on this read model: stop it (or wait for it) and try again',
      );
    }
    const renew = setInterval(() => void this.hold().catch(() => undefined), this.ttlMs / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.release();
    }
  }
}
