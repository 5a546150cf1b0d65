import type { AuditRow } from './audit-report';
import { escapeHtml } from './html-escape';

/** One point on an obligation's timeline. */
export interface Milestone {
  kind:
    | 'trigger'
    | 'due'
    | 'deadline'
    | 'issued'
    | 'confirmed'
    | 'failed'
    | 'held'
    | 'cancelled'
    | 'retried'
    | 'resolved'
    | 'extended'
    | 'as-of';
  label: string;
  at: string;
}

/** Ties sort in the order a reader expects: trigger → due → issued → confirmed → deadline. */
const ORDER: Record<Milestone['kind'], number> = {
  trigger: 0,
  held: 1,
  due: 2,
  issued: 3,
  failed: 4,
  confirmed: 5,
  cancelled: 6,
  retried: 4.5,
  extended: 6.5,
  resolved: 6.6,
  deadline: 7,
  'as-of': 8,
};

/** The obligation's milestones, oldest first; `as-of` only while nothing final happened. */
export function milestones(row: AuditRow, asOf: string): Milestone[] {
  const list: Milestone[] = [
    { kind: 'trigger', label: 'triggered', at: row.triggeredAt },
    { kind: 'due', label: 'due', at: row.dueAt },
    { kind: 'deadline', label: 'deadline', at: row.deadline },
  ];
  if (row.heldSince) list.push({ kind: 'held', label: 'held', at: row.heldSince });
  if (row.issuedAt) list.push({ kind: 'issued', label: 'issued', at: row.issuedAt });
  if (row.failedAt && !row.confirmedAt) list.push({ kind: 'failed', label: 'failed', at: row.failedAt });
  if (row.confirmedAt) list.push({ kind: 'confirmed', label: 'confirmed', at: row.confirmedAt });
  if (row.cancelledAt) list.push({ kind: 'cancelled', label: 'cancelled', at: row.cancelledAt });
  // Operator actions are on the timeline where they happened (an extension: when it was decided).
  for (const a of row.operations ?? []) {
    const kind = a.kind === 'retry' ? 'retried' : a.kind === 'resolve' ? 'resolved' : 'extended';
    list.push({ kind, label: `${kind} by ${a.actor}`, at: a.at });
  }
  if (!row.confirmedAt && !row.cancelledAt && !row.resolution)
    list.push({ kind: 'as-of', label: 'as of', at: asOf });
  return list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || ORDER[a.kind] - ORDER[b.kind]);
}

const WIDTH = 640;
const LEFT = 24;
const RIGHT = WIDTH - 24;
const AXIS_Y = 64;
const ROW_HEIGHT = 15;
const CHAR_WIDTH = 6.2;

function marker(m: Milestone, x: number, late: boolean): string {
  const title = `<title>${escapeHtml(`${m.label} ${m.at}`)}</title>`;
  const cls = `m m-${m.kind}${late ? ' late' : ''}`;
  switch (m.kind) {
    case 'deadline':
      return `<g class="${cls}">${title}<line x1="${x}" x2="${x}" y1="${AXIS_Y - 12}" y2="${AXIS_Y + 12}"/></g>`;
    case 'due':
      return `<g class="${cls}">${title}<path d="M${x} ${AXIS_Y - 7}l7 7-7 7-7-7z"/></g>`;
    case 'issued':
      return `<g class="${cls}">${title}<path d="M${x - 6} ${AXIS_Y - 6}l12 6-12 6z"/></g>`;
    case 'as-of':
      return `<g class="${cls}">${title}<line x1="${x}" x2="${x}" y1="${AXIS_Y - 14}" y2="${AXIS_Y + 14}"/></g>`;
    default:
      return `<g class="${cls}">${title}<circle cx="${x}" cy="${AXIS_Y}" r="6"/></g>`;
  }
}

/** Milestones this close share one label (`triggered · due`), so they never overprint. */
const SAME_SPOT = 10;

/** Labels above the axis, in up to three rows, each placed where it does not overlap the row's last one. */
function placeLabels(points: Array<{ kind: Milestone['kind']; label: string; x: number }>): string[] {
  const groups: Array<{ kinds: string[]; text: string; x: number }> = [];
  for (const p of points) {
    const last = groups[groups.length - 1];
    if (last && p.x - last.x < SAME_SPOT) {
      last.kinds.push(p.kind);
      last.text += ` · ${p.label}`;
    } else {
      groups.push({ kinds: [p.kind], text: p.label, x: p.x });
    }
  }
  const rowsEnd: number[] = [];
  return groups.map((g) => {
    const width = g.text.length * CHAR_WIDTH;
    const start = Math.min(Math.max(g.x - width / 2, 0), WIDTH - width);
    let r = rowsEnd.findIndex((end) => end + 6 <= start);
    if (r === -1) r = rowsEnd.length < 3 ? rowsEnd.length : 2;
    rowsEnd[r] = start + width;
    const y = AXIS_Y - 18 - r * ROW_HEIGHT;
    const cls = g.kinds.map((k) => `l-${k}`).join(' ');
    return `<text class="l ${cls}" x="${Math.round(start)}" y="${y}">${escapeHtml(g.text)}</text>`;
  });
}

/**
 * An inline SVG of one obligation's life, on its own scale: the track from trigger to
 * deadline, the purge window (due → deadline), and a marker per milestone. Labels go in
 * up to three rows above the axis so close milestones (due at once) stay readable.
 */
export function timelineSvg(row: AuditRow, asOf: string): string {
  const points = milestones(row, asOf);
  const times = points.map((p) => Date.parse(p.at));
  const min = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - min);
  const x = (at: string) => Math.round((LEFT + ((Date.parse(at) - min) / span) * (RIGHT - LEFT)) * 10) / 10;
  const labels = placeLabels(points.map((p) => ({ kind: p.kind, label: p.label, x: x(p.at) })));
  const late = row.verdict === 'breached';
  const description = points.map((p) => `${p.label} ${p.at}`).join(', ');
  return [
    `<svg class="timeline-svg" viewBox="0 0 ${WIDTH} ${AXIS_Y + 20}" role="img" aria-label="${escapeHtml(description)}">`,
    `<line class="track" x1="${x(row.triggeredAt)}" x2="${x(row.deadline)}" y1="${AXIS_Y}" y2="${AXIS_Y}"/>`,
    `<line class="window" x1="${x(row.dueAt)}" x2="${x(row.deadline)}" y1="${AXIS_Y}" y2="${AXIS_Y}"/>`,
    ...points.map((p) => marker(p, x(p.at), late && (p.kind === 'confirmed' || p.kind === 'as-of'))),
    ...labels,
    '</svg>',
  ].join('');
}
