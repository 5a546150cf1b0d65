import type { LedgerStore } from '@app/ledger';
import { leaseHolder, openLeaseStore, ProjectorLock, type ReadModel } from '@app/read-model';
import { Projector } from './projector';

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
    return await lock.exclusive(() =>
      new Projector(ledger, readModel, { batchSize: 5000 }).rebuild(onProgress),
    );
  } finally {
    await leases.close();
  }
}
