import { auditView, AuditVerdict, Obligation } from '@app/retention';
import { retriesExhausted } from './retries-exhausted';

export interface AuditRow {
  obligationId: string;
  reason: string;
  region: string;
  store: string;
  target: Obligation['target'];
  status: string;
  policyVersion: string;
  flags: readonly string[];
  triggeredAt: string;
  dueAt: string;
  deadline: string;
  issuedAt?: string;
  confirmedAt?: string;
  verdict: AuditVerdict;
  lateByMs?: number;
  /** With status `held`: since when a hold suspends it (the HTML timeline shows it). */
  heldSince?: string;
  /** With status `cancelled`: when the subscription was reactivated. */
  cancelledAt?: string;
  /** The last failure receipt's time, if any. */
  failedAt?: string;
  /** Failed on every attempt allowed (DISPATCH_MAX_ATTEMPTS): no retry will come. */
  retriesExhausted?: true;
}

export interface AuditReport {
  tenantId: string;
  asOf: string;
  summary: Record<AuditVerdict, number> & { total: number; retriesExhausted?: number };
  obligations: AuditRow[];
}

/** The compliance report of one tenant: each obligation's trigger, due, deadline, issue, confirmation, verdict. */
export function buildAuditReport(
  tenantId: string,
  obligations: Obligation[],
  asOf: Date,
  /** DISPATCH_MAX_ATTEMPTS, to flag the obligations no retry will settle. */
  maxAttempts?: number,
): AuditReport {
  const summary: AuditReport['summary'] = {
    met: 0,
    breached: 0,
    pending: 0,
    held: 0,
    cancelled: 0,
    total: obligations.length,
  };
  const exhausted = (o: Obligation) => maxAttempts !== undefined && retriesExhausted(o, maxAttempts);
  const rows = obligations.map((o): AuditRow => {
    const view = auditView(o, asOf);
    summary[view.verdict]++;
    if (exhausted(o)) summary.retriesExhausted = (summary.retriesExhausted ?? 0) + 1;
    return {
      obligationId: o.obligationId,
      reason: o.reason,
      region: o.region,
      store: o.store,
      target: o.target,
      status: o.status,
      policyVersion: o.policyVersion,
      flags: o.flags,
      triggeredAt: o.triggeredAt,
      dueAt: o.dueAt,
      deadline: o.deadline,
      ...(view.issuedAt ? { issuedAt: view.issuedAt } : {}),
      ...(view.confirmedAt ? { confirmedAt: view.confirmedAt } : {}),
      verdict: view.verdict,
      ...(view.lateByMs !== undefined ? { lateByMs: view.lateByMs } : {}),
      ...(o.heldSince ? { heldSince: o.heldSince } : {}),
      ...(o.cancelledAt ? { cancelledAt: o.cancelledAt } : {}),
      ...(o.failedAt ? { failedAt: o.failedAt } : {}),
      ...(exhausted(o) ? { retriesExhausted: true as const } : {}),
    };
  });
  return { tenantId, asOf: asOf.toISOString(), summary, obligations: rows };
}

function targetText(t: Obligation['target']): string {
  if (t.kind === 'data') return `data \`${t.dataId}\``;
  return `${t.kind} (${t.categories.join(', ')})`;
}

export function renderMarkdown(r: AuditReport): string {
  const s = r.summary;
  const lines = [
    `# Retention audit: tenant \`${r.tenantId}\``,
    '',
    `As of ${r.asOf}. ${s.total} obligations: **${s.met} met**, ${s.breached} breached, ${s.pending} pending, ${s.held} held, ${s.cancelled} cancelled.` +
      (s.retriesExhausted
        ? ` **${s.retriesExhausted} failed with no retry left** (an operator must act).`
        : ''),
    '',
    '| verdict | reason | region/store | target | triggered | due | deadline | issued | confirmed | policy | flags |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.obligations
      .map((o) =>
        [
          o.retriesExhausted ? `${o.verdict} (failed, no retry left)` : o.verdict,
          o.reason,
          `${o.region}/${o.store}`,
          targetText(o.target),
          o.triggeredAt,
          o.dueAt,
          o.deadline,
          o.issuedAt ?? '—',
          o.confirmedAt ?? '—',
          o.policyVersion,
          o.flags.join(', ') || '—',
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  ];
  return lines.join('\n');
}
