import {
  AUDIT_VERDICTS,
  auditView,
  AuditVerdict,
  HoldInterval,
  Obligation,
  OperatorAction,
  unmatchedReleases as unmatched,
} from '@app/retention';
import { retriesExhausted } from './retries-exhausted';
import type { LedgerBasis } from './tenant-view';

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
  /** With an operator extension: the deadline promised before it (`deadline` is the extended one). */
  originalDeadline?: string;
  /** With verdict done-manually / waived: who closed it, when and why. */
  resolution?: Obligation['resolution'];
  /** Every operator action on it (retry, resolve, extend) with actor and reason. */
  operations?: OperatorAction[];
  /** The region whose own policy rules applied. */
  jurisdiction?: string;
  /** Legal holds that suspended it. */
  holdIds?: string[];
}

/** A legal hold interval as the report shows it, with its context. */
export interface HoldRow {
  holdId: string;
  /** What it covers, in words (never a subject id: personal data). */
  scope: string;
  placedAt: string;
  releasedAt?: string;
  reason?: string;
  caseRef?: string;
  placedBy?: string;
  releaseReason?: string;
  releasedBy?: string;
}

export interface AuditReport {
  tenantId: string;
  asOf: string;
  /** The ledger state it was built from: the last entry (position, hash) of the tenant's and the policy stream. */
  ledger?: LedgerBasis;
  summary: Record<AuditVerdict, number> & { total: number; retriesExhausted?: number };
  obligations: AuditRow[];
  /** Every legal hold interval of the tenant. */
  holds: HoldRow[];
  /** Releases that ended no placement: they had no effect. */
  unmatchedReleases: Array<{ holdId: string; eventId: string; at: string }>;
}

function holdRow(h: HoldInterval): HoldRow {
  const scope = [
    h.subjectId !== null ? 'one subject' : null,
    h.dataId !== null ? `data ${h.dataId}` : null,
    h.category !== null ? `category ${h.category}` : null,
  ].filter((s): s is string => s !== null);
  const placed = h.placedBy.context ?? {};
  const released = h.releasedBy?.context ?? {};
  return {
    holdId: h.holdId,
    scope: scope.length ? scope.join(', ') : 'whole tenant',
    placedAt: new Date(h.from).toISOString(),
    ...(h.to !== Infinity ? { releasedAt: new Date(h.to).toISOString() } : {}),
    ...(placed.reason !== undefined ? { reason: placed.reason } : {}),
    ...(placed.caseRef !== undefined ? { caseRef: placed.caseRef } : {}),
    ...(placed.placedBy !== undefined ? { placedBy: placed.placedBy } : {}),
    ...(released.reason !== undefined ? { releaseReason: released.reason } : {}),
    ...(released.placedBy !== undefined ? { releasedBy: released.placedBy } : {}),
  };
}

/** The compliance report of one tenant: each obligation's trigger, due, deadline, issue, confirmation, verdict. */
export function buildAuditReport(
  tenantId: string,
  obligations: Obligation[],
  asOf: Date,
  extra: {
    holds?: readonly HoldInterval[];
    unmatchedReleases?: ReturnType<typeof unmatched>;
    /** DISPATCH_MAX_ATTEMPTS, to flag the obligations no retry will settle. */
    maxAttempts?: number;
  } = {},
): AuditReport {
  const summary: AuditReport['summary'] = {
    ...(Object.fromEntries(AUDIT_VERDICTS.map((v) => [v, 0])) as Record<AuditVerdict, number>),
    total: obligations.length,
  };
  const maxAttempts = extra.maxAttempts;
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
      ...(o.originalDeadline ? { originalDeadline: o.originalDeadline } : {}),
      ...(o.resolution ? { resolution: o.resolution } : {}),
      ...(o.operations?.length ? { operations: o.operations } : {}),
      ...(o.jurisdiction ? { jurisdiction: o.jurisdiction } : {}),
      ...(o.holdIds?.length ? { holdIds: o.holdIds } : {}),
      ...(exhausted(o) ? { retriesExhausted: true as const } : {}),
    };
  });
  return {
    tenantId,
    asOf: asOf.toISOString(),
    summary,
    obligations: rows,
    holds: (extra.holds ?? []).map(holdRow),
    unmatchedReleases: (extra.unmatchedReleases ?? []).map((u) => ({
      holdId: u.holdId,
      eventId: u.release.eventId,
      at: new Date(u.release.at).toISOString(),
    })),
  };
}

function actionText(a: OperatorAction): string {
  const what =
    a.kind === 'resolve'
      ? `resolved ${a.resolution}`
      : a.kind === 'extend'
        ? `extended to ${a.until}`
        : 'retried';
  return `${what} by ${a.actor} at ${a.at}: ${a.reason}`;
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
    ...(r.ledger
      ? [
          `Built from ledger position ${r.ledger.position} (head hash \`${r.ledger.headHash}\`) and policy position ${r.ledger.policyPosition} (\`${r.ledger.policyHeadHash}\`).`,
          '',
        ]
      : []),
    `As of ${r.asOf}. ${s.total} obligations: **${s.met} met**, ${s.breached} breached, ${s.pending} pending, ${s.held} held, ${s.cancelled} cancelled, ${s['done-manually']} done manually, ${s.waived} waived (an operator closed those; the system never confirmed them).` +
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
          o.originalDeadline ? `${o.deadline} (extended; was ${o.originalDeadline})` : o.deadline,
          o.issuedAt ?? '—',
          o.confirmedAt ?? '—',
          o.jurisdiction ? `${o.policyVersion} (${o.jurisdiction})` : o.policyVersion,
          o.flags.join(', ') || '—',
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  ];
  const acted = r.obligations.filter((o) => o.operations?.length);
  if (acted.length > 0) {
    lines.push('## Operator actions', '');
    for (const o of acted)
      for (const a of o.operations ?? []) lines.push(`- \`${o.obligationId}\`: ${actionText(a)}`);
    lines.push('');
  }
  if (r.holds.length > 0) {
    lines.push(
      '## Legal holds',
      '',
      '| hold | scope | placed | released | reason | case | placed by |',
      '|---|---|---|---|---|---|---|',
    );
    for (const h of r.holds)
      lines.push(
        `| ${h.holdId} | ${h.scope} | ${h.placedAt} | ${h.releasedAt ?? 'active'} | ${h.reason ?? '—'} | ${h.caseRef ?? '—'} | ${h.placedBy ?? '—'} |`,
      );
    lines.push('');
  }
  for (const u of r.unmatchedReleases)
    lines.push(`- release ${u.eventId} of hold ${u.holdId} at ${u.at} ended no placement (no effect)`);
  return lines.join('\n');
}
