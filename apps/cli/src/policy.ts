import type { AppConfig } from '@app/config';

/** Categories the ingest accepts: the default policy's until the policy engine lands. */
export async function policyCategories(_config: AppConfig): Promise<ReadonlySet<string>> {
  return new Set(['personal', 'audit-log']);
}
