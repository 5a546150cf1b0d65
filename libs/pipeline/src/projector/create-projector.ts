import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import { Projector, type ProjectorOptions } from './projector';

/**
 * `follow`: the live projector (5 000-entry pages, 5 000 tenant states cached);
 * `rebuild`: a replay into an empty read model, which caches nothing between groups.
 */
export type ProjectorRole = 'follow' | 'rebuild';

const PROFILES: Record<ProjectorRole, ProjectorOptions> = {
  follow: { batchSize: 5000, cachedTenants: 5000 },
  rebuild: { batchSize: 5000 },
};

/** The one way a projector is built; tests shrink pages or the cache through `tuning`. */
export function createProjector(
  ledger: LedgerStore,
  readModel: ReadModel,
  role: ProjectorRole,
  tuning: Partial<ProjectorOptions> = {},
): Projector {
  return new Projector(ledger, readModel, { ...PROFILES[role], ...tuning });
}
