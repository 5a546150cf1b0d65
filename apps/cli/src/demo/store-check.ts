import type { RegionalStore } from '@app/regional-store';
import type { StoryExpectations } from './story';

/** What the regional stores must hold after the story; returns the problems found. */
export function checkStores(stores: Record<string, RegionalStore>, expect: StoryExpectations): string[] {
  const problems: string[] = [];
  const has = (r: { region: string; tenantId: string; dataId: string }) =>
    stores[r.region].rows(r.tenantId).some((x) => x.dataId === r.dataId);
  for (const r of expect.purged)
    if (has(r)) problems.push(`${r.region}: ${r.tenantId}/${r.dataId} should be purged but is still stored`);
  for (const r of expect.kept)
    if (!has(r)) problems.push(`${r.region}: ${r.tenantId}/${r.dataId} should be kept but is gone`);
  return problems;
}
