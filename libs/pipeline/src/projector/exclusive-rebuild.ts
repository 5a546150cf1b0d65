import type { LedgerStore } from '@app/ledger';
import { leaseHolder, openLeaseStore, ProjectorLock, type ReadModel } from '@app/read-model';
import { createProjector } from './create-projector';

/** A rebuild under the projector lock of the read model at `readModelUrl`, from any process. */
export async function exclusiveRebuild(
  ledger: LedgerStore,
  readModel: ReadModel,
  readModelUrl: string,
  onProgress?: (entries: number) => void,
): Promise<number> {
  const leases = await openLeaseStore(readModelUrl);
  try {
    const lock = new ProjectorLock(leases, leaseHolder('rebuild'));
    return await lock.exclusive(() => createProjector(ledger, readModel, 'rebuild').rebuild(onProgress));
  } finally {
    await leases.close();
  }
}
