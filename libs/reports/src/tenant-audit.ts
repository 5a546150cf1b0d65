import type { LedgerStore } from '@app/ledger';
import { holdIntervals, obligations, unmatchedReleases } from '@app/retention';
import { AuditReport, buildAuditReport } from './audit-report';
import { tenantFold, type TenantFold } from './tenant-view';

/**
 * The report of a fold, as of `asOf`, naming the ledger basis it was built from. An
 * evidence bundle's verifier refolds the bundle's entries and comes here too, so the
 * report it expects is byte for byte the one `audit` and `export` write.
 */
export function foldReport(
  fold: TenantFold,
  asOf: Date,
  /** DISPATCH_MAX_ATTEMPTS, to flag obligations with no retry left (`audit`; bundles leave it out). */
  maxAttempts?: number,
): AuditReport {
  const { state, basis } = fold.result();
  const report =
    state === undefined
      ? buildAuditReport(fold.tenantId, [], asOf)
      : buildAuditReport(fold.tenantId, obligations(state), asOf, {
          holds: holdIntervals(state),
          unmatchedReleases: unmatchedReleases(state),
          maxAttempts,
        });
  return { ...report, ledger: basis };
}

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
  return foldReport(await tenantFold(ledger, tenantId, at.asOf), at.asOf ?? at.now, at.maxAttempts);
}
