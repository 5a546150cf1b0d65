/** The report's only style sheet, inlined (nothing is fetched at view time). */
export const HTML_REPORT_CSS = `
:root{--met:#1a7f37;--breached:#cf222e;--pending:#9a6700;--held:#8250df;--cancelled:#57606a;--manual:#0969da;--waived:#6e7781;--ink:#1f2328;--mute:#656d76;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:14px;margin:0 0 4px;font-weight:600}
code{font:12px/1.3 ui-monospace,"DejaVu Sans Mono",monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
.asof,.note,footer{color:var(--mute)}footer{margin-top:32px;font-size:12px}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{min-width:110px;padding:10px 14px;border:1px solid var(--line);border-left-width:6px;border-radius:6px}
.card .n{display:block;font-size:26px;font-weight:700}.card .k{color:var(--mute);text-transform:uppercase;font-size:11px;letter-spacing:.06em}
.v-met{border-color:var(--met)}.v-breached{border-color:var(--breached)}.v-pending{border-color:var(--pending)}.v-held{border-color:var(--held)}.v-cancelled{border-color:var(--cancelled)}
.card.v-met .n{color:var(--met)}.card.v-breached .n{color:var(--breached)}.card.v-pending .n{color:var(--pending)}.card.v-held .n{color:var(--held)}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;white-space:nowrap}
th{background:#f6f8fa;font-weight:600}
.badge{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;font-size:11.5px;font-weight:600;text-decoration:none}
.badge.v-met{background:var(--met)}.badge.v-breached{background:var(--breached)}.badge.v-pending{background:var(--pending)}.badge.v-held{background:var(--held)}.badge.v-cancelled{background:var(--cancelled)}
.v-done-manually{border-color:var(--manual)}.v-waived{border-color:var(--waived)}.card.v-done-manually .n{color:var(--manual)}.card.v-waived .n{color:var(--waived)}.badge.v-done-manually{background:var(--manual)}.badge.v-waived{background:var(--waived)}
.was{color:#57606a;font-size:11px;display:block}.actions{margin:4px 0 0 0;padding-left:18px;font-size:12px}.holds td,.holds th{font-size:12px}
.m-retried circle{fill:#8250df}.m-resolved circle{fill:var(--manual)}.m-extended line{stroke:#8250df;stroke-width:2}
.flag{display:inline-block;background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:0 4px;font-size:11px}
.none{color:var(--mute)}
.timeline{border:1px solid var(--line);border-radius:6px;padding:10px 14px;margin:0 0 12px;page-break-inside:avoid}
.timeline-svg{display:block;width:100%;max-width:760px;height:auto;margin:6px 0}
.track{stroke:#d0d7de;stroke-width:6;stroke-linecap:round}.window{stroke:#9cd0ff;stroke-width:6}
.m circle,.m path{stroke:#fff;stroke-width:1.5}
.m-trigger circle{fill:#57606a}.m-due path{fill:#0969da}.m-deadline line{stroke:var(--breached);stroke-width:3}
.m-issued path{fill:#1f2328}.m-confirmed circle{fill:var(--met)}.m-confirmed.late circle{fill:var(--breached)}
.m-failed circle{fill:#bc4c00}.m-held circle{fill:var(--held)}.m-cancelled circle{fill:var(--cancelled)}
.m-as-of line{stroke:#1f2328;stroke-width:1.5;stroke-dasharray:3 2}.m-as-of.late line{stroke:var(--breached)}
.l{font-size:11px;fill:#1f2328}.l-deadline{fill:var(--breached)}.l-confirmed{fill:var(--met)}
.milestones{display:flex;flex-wrap:wrap;gap:4px 18px;margin:4px 0 0;padding:0;list-style:none;font-size:12px}
.milestones .ml{font-weight:600}
@media print{body{padding:0}.timeline{break-inside:avoid}}
`;
