import { parentPort, workerData } from 'node:worker_threads';
import { openLedger, UnknownTenantError } from '@app/ledger';
import { verifyLedger } from '@app/proof';
import { renderHtml, tenantAuditReport } from '@app/reports';
import type { HeavyJob, HeavyJobAnswer } from './heavy-job';

/*
 * Runs in a worker thread (see HeavyJobs): one job, on a read-only ledger connection of
 * its own, then the thread ends. Its CPU (hashing, folding, rendering) and, on SQLite, its
 * synchronous reads never hold the event loop that serves requests and runs ingest.
 */
/** The answer's body, serialised here: a large report's JSON.stringify would hold the loop too (7 MB: 0.6 s). */
async function run(job: HeavyJob): Promise<string> {
  const ledger = await openLedger(job.ledgerUrl, { readOnly: true });
  try {
    if (job.kind === 'verify') return JSON.stringify(await verifyLedger(ledger, { tenantId: job.tenantId }));
    const now = new Date(job.now);
    const report = await tenantAuditReport(ledger, job.tenantId, {
      asOf: job.asOf === undefined ? undefined : new Date(job.asOf),
      now,
      maxAttempts: job.maxAttempts,
    });
    return job.html ? renderHtml(report, { generatedAt: now }) : JSON.stringify(report);
  } finally {
    await ledger.close();
  }
}

run(workerData as HeavyJob).then(
  (result) => parentPort?.postMessage({ ok: true, result } satisfies HeavyJobAnswer),
  (err: unknown) =>
    parentPort?.postMessage({
      ok: false,
      message: err instanceof Error ? err.message : String(err),
      unknownTenant: err instanceof UnknownTenantError,
      stack: err instanceof Error ? err.stack : undefined,
    } satisfies HeavyJobAnswer),
);
