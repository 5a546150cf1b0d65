import { obligationIdOf } from '../obligation-id';

/** Obligation ids of one tenant, for specs that issue commands or expect exact obligations. */
export function obligationIds(tenantId = 't1') {
  return {
    dataDeleted: (dataId: string) => obligationIdOf({ tenantId, reason: 'data-deleted', dataId }),
    maxAge: (dataId: string) => obligationIdOf({ tenantId, reason: 'max-age', dataId }),
    /** The purge of data created after its subject's deletion. */
    createdAfterDeletion: (dataId: string) => obligationIdOf({ tenantId, reason: 'user-deleted', dataId }),
    userDeleted: (triggerEventId: string, region = 'eu', store = 'main') =>
      obligationIdOf({ tenantId, reason: 'user-deleted', triggerEventId, region, store }),
    subscriptionEnded: (triggerEventId: string, region = 'eu', store = 'main') =>
      obligationIdOf({ tenantId, reason: 'subscription-ended', triggerEventId, region, store }),
  };
}
