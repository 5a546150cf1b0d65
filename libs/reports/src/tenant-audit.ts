import type { LedgerStore } from '@app/ledger';
import { AuditReport, buildAuditReport } from './audit-report';
import { holdIntervals, obligations, unmatchedReleases } from '@app/retention';
import { tenantState } from './tenant-view';

/**
 * The audit report of one tenant as the ledger stood at `asOf` (entries recorded after
 * it are ignored, and verdicts are judged at that instant), or as it stands `now`.
 * The CLI's `audit` and the API's `/audit` both come here, so they cannot disagree.
 */
export async function tenantAuditReport(
  ledger: LedgerStore,
  tenantId: string,
  at: { asOf?: Date; now: Date; maxAttempts?: number },
): Promise<AuditReport> {
  const state = await tenantState(ledger, tenantId, at.asOf);
  if (state === undefined) return buildAuditReport(tenantId, [], at.asOf ?? at.now);
  return buildAuditReport(tenantId, obligations(state), at.asOf ?? at.now, {
    holds: holdIntervals(state),
    unmatchedReleases: unmatchedReleases(state),
    maxAttempts: at.maxAttempts,
  });
}
