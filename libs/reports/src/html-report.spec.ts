import { evolve, initialState, obligations } from '@app/retention';
import { buildAuditReport } from './audit-report';
import { renderHtml } from './html-report';
import { auditStory, HOSTILE_DATA_ID, STORY_SUBJECT } from './testing/audit-story';

function reportAt(asOf: Date) {
  const story = auditStory('acme');
  const state = initialState('acme');
  for (const phase of story.phases) {
    if (phase.recordedAt > asOf) continue;
    for (const entry of phase.entries) evolve(state, entry);
  }
  return buildAuditReport('acme', obligations(state), asOf);
}

describe('renderHtml', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const html = renderHtml(reportAt(now), { generatedAt: now });

  it('summarises the verdicts', () => {
    const count = (v: string) => new RegExp(`data-verdict="${v}"><span class="n">(\\d+)<`).exec(html)?.[1];
    expect({
      met: count('met'),
      breached: count('breached'),
      pending: count('pending'),
      held: count('held'),
    }).toEqual({
      met: '2',
      breached: '2',
      pending: '0',
      held: '1',
    });
  });

  it('has a table row and a timeline per obligation, each timeline trigger → due → deadline', () => {
    expect(html.match(/<tr data-verdict=/g)).toHaveLength(5);
    expect(html.match(/<article class="timeline"/g)).toHaveLength(5);
    const start = html.indexOf('<article class="timeline" id="timeline-1"');
    const late = html.slice(start, html.indexOf('</article>', start));
    expect(late).toContain('data-verdict="breached"');
    const order = ['trigger', 'due', 'issued', 'deadline', 'confirmed'].map((m) =>
      late.indexOf(`data-milestone="${m}"`),
    );
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]))).toBe(true);
  });

  it('is self-contained: no scripts, no external references, a CSP that forbids fetching', () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|@import|url\(|https?:\/\//i);
    // The only references are in-page anchors (#timeline-n).
    expect(html).not.toMatch(/<[a-z][^>]*\s(?:src|href|action)=(?!["']?#)/i);
  });

  it('escapes producer text and leaves personal data out', () => {
    expect(html).not.toContain(HOSTILE_DATA_ID);
    expect(html).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;d5');
    expect(html).not.toContain(STORY_SUBJECT);
  });

  it('renders an empty report', () => {
    const empty = renderHtml(buildAuditReport('nobody', [], now));
    expect(empty).toContain('No obligations as of this time.');
  });
});
