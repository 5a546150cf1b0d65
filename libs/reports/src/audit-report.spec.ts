import { evolve, holdIntervals, initialState, obligations, unmatchedReleases } from '@app/retention';
import { EntryBuilder } from '@app/retention/testing';
import { buildAuditReport, renderMarkdown } from './audit-report';
import { operationsStory } from './testing/operations-story';

function report() {
  const state = initialState('acme-ops');
  const stray = new EntryBuilder('acme-ops', '2025-03-01T00:00:00.000Z').holdReleased({
    eventId: 'stray-release',
    holdId: 'CASE-9',
    at: 3,
  });
  for (const entry of [...operationsStory('acme-ops'), stray]) evolve(state, entry);
  return buildAuditReport('acme-ops', obligations(state), new Date('2025-06-01T00:00:00Z'), {
    holds: holdIntervals(state),
    unmatchedReleases: unmatchedReleases(state),
  });
}

describe('the audit report: operator actions and holds on the record', () => {
  const r = report();

  it('counts closed-by-hand apart from met', () => {
    expect(r.summary).toMatchObject({ met: 3, 'done-manually': 1, waived: 0, breached: 0, total: 4 });
  });

  it('lists each hold with its context, and a release that ended nothing', () => {
    expect(r.holds).toEqual([
      {
        holdId: 'CASE-42',
        scope: 'data contract-7',
        placedAt: '2025-03-02T00:00:00.000Z',
        releasedAt: '2025-03-10T00:00:00.000Z',
        reason: 'litigation hold: Acme v. Globex',
        caseRef: 'ACME-2025-042',
        placedBy: 'legal@acme.example',
        releaseReason: 'case settled',
      },
    ]);
    expect(r.unmatchedReleases).toEqual([
      { holdId: 'CASE-9', eventId: 'stray-release', at: '2025-03-04T00:00:00.000Z' },
    ]);
  });

  it('the markdown shows every action with actor and reason, and the extended deadline beside the original', () => {
    const md = renderMarkdown(r);
    expect(md).toContain('1 done manually, 0 waived');
    expect(md).toMatch(/## Operator actions/);
    expect(md).toMatch(
      /resolved done-manually by k_3f9a0c2b7d1e at .*: DBA purged the rows by hand \(ticket OPS-12\)/,
    );
    expect(md).toMatch(
      /extended to 2025-04-15T00:00:00.000Z by alice@ops at .*: vendor outage, DPO approved/,
    );
    expect(md).toMatch(/2025-04-15T00:00:00.000Z \(extended; was 2025-04-02T00:00:00.000Z\)/);
    expect(md).toMatch(/\| CASE-42 \| data contract-7 \|/);
    expect(md).toContain('release stray-release of hold CASE-9');
  });
});
