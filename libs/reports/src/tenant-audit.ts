import type { LedgerStore } from '@app/ledger';
import { AuditReport, buildAuditReport } from './audit-report';
import { tenantObligations } from './tenant-view';

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
  const obligations = await tenantObligations(ledger, tenantId, at.asOf);
  return buildAuditReport(tenantId, obligations, at.asOf ?? at.now, at.maxAttempts);
}
