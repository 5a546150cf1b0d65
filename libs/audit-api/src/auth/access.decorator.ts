import { SetMetadata } from '@nestjs/common';
import type { ApiPermission } from '@app/read-model';

/**
 * Which tenants a route touches, for a key scoped to one tenant:
 * - `path`: the `:tenantId` path parameter must be the key's tenant;
 * - `query`: the `tenant` query parameter must be given and be the key's tenant;
 * - `all`: the route spans every tenant, so only an unscoped key may call it.
 */
export type TenantScope = 'path' | 'query' | 'all';

export interface AccessRule {
  permission: ApiPermission;
  tenants: TenantScope;
}

export const ACCESS_RULE = 'retention-ledger:access';
export const PUBLIC_ROUTE = 'retention-ledger:public';

export const Access = (rule: AccessRule) => SetMetadata(ACCESS_RULE, rule);

/** Health, metrics: no key (probes and scrapers), and no tenant data in them. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
