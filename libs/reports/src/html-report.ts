import { AUDIT_VERDICTS } from '@app/retention';
import type { AuditReport, AuditRow } from './audit-report';
import { durationText } from './duration-text';
import { escapeHtml } from './html-escape';
import { milestones, timelineSvg } from './timeline-svg';
import { HTML_REPORT_CSS } from './html-report-style';

/**
 * Nothing may be fetched when the report is viewed (it is one file an auditor archives
 * or mails): no scripts, no external styles, fonts or images. The policy makes the
 * browser enforce that, so a later edit that adds a link fails visibly.
 */
export const HTML_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const VERDICTS = AUDIT_VERDICTS;

const e = escapeHtml;

/** `2026-01-01 10:00:00Z` from an ISO instant: the full value stays in `datetime`. */
function time(iso: string | undefined): string {
  if (!iso) return '<span class="none">—</span>';
  const text = iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
  return `<time datetime="${e(iso)}">${e(text)}</time>`;
}

/** Never the subject id (personal data): a subject target is shown by its categories. */
function targetHtml(t: AuditRow['target']): string {
  if (t.kind === 'data') return `data <code>${e(t.dataId)}</code>`;
  return `${e(t.kind)} <span class="cats">(${e(t.categories.join(', '))})</span>`;
}

/** Why the verdict is what it is, in words. */
function verdictNote(row: AuditRow, asOf: string): string {
  const deadline = Date.parse(row.deadline);
  switch (row.verdict) {
    case 'met':
      return `confirmed ${durationText(deadline - Date.parse(row.confirmedAt ?? row.deadline))} before the deadline`;
    case 'breached':
      return row.confirmedAt
        ? `confirmed ${durationText(row.lateByMs ?? 0)} after the deadline`
        : `not confirmed; ${durationText(row.lateByMs ?? 0)} past the deadline`;
    case 'pending':
      return `deadline in ${durationText(deadline - Date.parse(asOf))}`;
    case 'held':
      return row.heldSince ? `suspended by a legal hold since ${row.heldSince}` : 'suspended by a legal hold';
    case 'cancelled':
      if (!row.cancelledAt) return 'cancelled';
      return row.flags.includes('restore-too-late') || row.status !== 'cancelled'
        ? `cancelled at ${row.cancelledAt}`
        : `cancelled: ${row.reason === 'subscription-ended' ? 'subscription reactivated' : 'restored'} at ${row.cancelledAt}`;
    case 'done-manually':
    case 'waived': {
      const r = row.resolution;
      const what = row.verdict === 'waived' ? 'waived' : 'done by hand';
      return r ? `${what} (not confirmed by the system): ${r.actor} at ${r.at}, “${r.reason}”` : what;
    }
  }
}

function deadlineHtml(row: AuditRow): string {
  if (!row.originalDeadline) return time(row.deadline);
  return `${time(row.deadline)}<span class="was">extended; was ${time(row.originalDeadline)}</span>`;
}

function actionsHtml(row: AuditRow): string {
  if (!row.operations?.length) return '';
  const items = row.operations.map((a) => {
    const what =
      a.kind === 'resolve'
        ? `resolved <b>${e(a.resolution ?? '')}</b>`
        : a.kind === 'extend'
          ? `deadline extended to ${time(a.until)}`
          : 'retried';
    return `<li data-action="${e(a.kind)}">${what} by <code>${e(a.actor)}</code> at ${time(a.at)}: ${e(a.reason)}</li>`;
  });
  return `<ul class="actions" aria-label="operator actions">${items.join('')}</ul>`;
}

function holdsHtml(r: AuditReport): string {
  if (r.holds.length === 0 && r.unmatchedReleases.length === 0) return '';
  const rows = r.holds.map(
    (h) =>
      `<tr data-hold-id="${e(h.holdId)}"><td><code>${e(h.holdId)}</code></td><td>${e(h.scope)}</td><td>${time(h.placedAt)}</td>` +
      `<td>${h.releasedAt ? time(h.releasedAt) : '<b>active</b>'}</td><td>${e(h.reason ?? '—')}</td><td>${e(h.caseRef ?? '—')}</td><td>${e(h.placedBy ?? '—')}</td></tr>`,
  );
  const unmatched = r.unmatchedReleases.map(
    (u) =>
      `<li>release <code>${e(u.eventId)}</code> of hold <code>${e(u.holdId)}</code> at ${time(u.at)} ended no placement (no effect)</li>`,
  );
  return (
    `<section aria-label="legal holds"><h2>Legal holds</h2><table class="holds"><thead><tr>` +
    ['hold', 'scope', 'placed', 'released', 'reason', 'case', 'placed by']
      .map((h) => `<th scope="col">${h}</th>`)
      .join('') +
    `</tr></thead><tbody>${rows.join('')}</tbody></table>${unmatched.length ? `<ul>${unmatched.join('')}</ul>` : ''}</section>`
  );
}

function summaryHtml(r: AuditReport): string {
  const cards = VERDICTS.map(
    (v) =>
      `<div class="card v-${v}" data-verdict="${v}"><span class="n">${r.summary[v]}</span><span class="k">${v}</span></div>`,
  );
  return `<section class="summary" aria-label="summary">${cards.join('')}<div class="card total" data-verdict="total"><span class="n">${r.summary.total}</span><span class="k">total</span></div></section>`;
}

function tableHtml(r: AuditReport): string {
  const head = [
    'verdict',
    'reason',
    'region / store',
    'target',
    'triggered',
    'due',
    'deadline',
    'issued',
    'confirmed',
    'policy',
    'flags',
  ];
  const rows = r.obligations.map(
    (o, i) =>
      `<tr data-verdict="${e(o.verdict)}" data-obligation-id="${e(o.obligationId)}">` +
      `<td><a class="badge v-${e(o.verdict)}" href="#timeline-${i + 1}">${e(o.verdict)}</a></td>` +
      `<td>${e(o.reason)}</td><td>${e(o.region)} / ${e(o.store)}</td><td>${targetHtml(o.target)}</td>` +
      `<td>${time(o.triggeredAt)}</td><td>${time(o.dueAt)}</td><td>${deadlineHtml(o)}</td>` +
      `<td>${time(o.issuedAt)}</td><td>${time(o.confirmedAt)}</td><td>${e(o.policyVersion)}${o.jurisdiction ? ` <span class="cats">(${e(o.jurisdiction)})</span>` : ''}</td>` +
      `<td>${o.flags.length ? o.flags.map((f) => `<span class="flag">${e(f)}</span>`).join(' ') : '<span class="none">—</span>'}</td></tr>`,
  );
  const empty = `<tr><td colspan="${head.length}" class="none">No obligations as of this time.</td></tr>`;
  return (
    `<table class="obligations"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.length ? rows.join('') : empty}</tbody></table>`
  );
}

function timelineHtml(o: AuditRow, i: number, asOf: string): string {
  const steps = milestones(o, asOf).map(
    (m) => `<li data-milestone="${m.kind}"><span class="ml">${e(m.label)}</span> ${time(m.at)}</li>`,
  );
  return (
    `<article class="timeline" id="timeline-${i + 1}" data-verdict="${e(o.verdict)}" data-obligation-id="${e(o.obligationId)}">` +
    `<h3><span class="badge v-${e(o.verdict)}">${e(o.verdict)}</span> ${e(o.reason)} · ${e(o.region)} / ${e(o.store)} · ${targetHtml(o.target)}</h3>` +
    `<p class="note">${e(verdictNote(o, asOf))} · policy ${e(o.policyVersion)} · <code class="oid">${e(o.obligationId)}</code></p>` +
    timelineSvg(o, asOf) +
    `<ol class="milestones">${steps.join('')}</ol>${actionsHtml(o)}</article>`
  );
}

/**
 * The audit report as one self-contained HTML page: a summary (met / breached /
 * pending / held / cancelled), the table of obligations, and a timeline per obligation
 * (trigger → due → deadline, with issue and confirmation). Inline CSS and SVG only.
 */
export function renderHtml(r: AuditReport, opts: { generatedAt?: Date } = {}): string {
  const title = `Retention audit — tenant ${r.tenantId} — as of ${r.asOf}`;
  const generated = opts.generatedAt ? ` · generated ${time(opts.generatedAt.toISOString())}` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="retention-ledger">
<title>${e(title)}</title>
<style>${HTML_REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Retention audit: tenant <code>${e(r.tenantId)}</code></h1>
<p class="asof">As the ledger stood at ${time(r.asOf)}${generated} · ${r.summary.total} obligations</p>
${r.ledger ? `<p class="basis">Built from ledger position ${r.ledger.position}, head hash <code>${r.ledger.headHash}</code>; policy position ${r.ledger.policyPosition}, <code>${r.ledger.policyHeadHash}</code></p>` : ''}
</header>
<main>
${summaryHtml(r)}
<section aria-label="obligations"><h2>Obligations</h2>
${tableHtml(r)}
</section>
${holdsHtml(r)}
<section aria-label="timelines"><h2>Timelines</h2>
${r.obligations.map((o, i) => timelineHtml(o, i, r.asOf)).join('\n')}
</section>
</main>
<footer><p>Derived from the tenant's ledger stream with the same fold the projector runs. Entries the ledger recorded after the as-of time are ignored; verdicts are judged at that time. Subject identifiers are left out of this report.</p></footer>
</body>
</html>
`;
}
