import type { NewEntry } from '@app/contracts';
import { EntryBuilder, obligationIds } from '@app/retention/testing';

export interface StoryPhase {
  /** When the ledger records this phase's entries (`appendBatch(entries, recordedAt)`). */
  recordedAt: Date;
  entries: NewEntry[];
}

/** A data id a hostile producer might send: the report must show it as text. */
export const HOSTILE_DATA_ID = `<img src=x onerror="alert(1)">&'d5`;
/** Personal data: must not appear in the HTML report. */
export const STORY_SUBJECT = 'subject-u9-alice@example.com';

/**
 * One tenant's year, recorded in four phases, for report and API tests. Days count from
 * `start` (default 2025-01-01, well in the past). As of now it shows every verdict but
 * `cancelled`: d1 and d5 met, d2 breached (confirmed late), d3 breached (never confirmed),
 * d4 held. As of day 11 (after phase 1) d1, d2 and d5 were still pending; as of day 13,
 * d1 and d5 met and d2 pending.
 */
export function auditStory(tenantId: string, start = '2025-01-01T00:00:00.000Z') {
  const e = new EntryBuilder(tenantId, start);
  const ids = obligationIds(tenantId);
  const at = (day: number) => new Date(e.day(day));
  const ev = (id: string) => `${tenantId}-${id}`;
  const issue = (dataId: string, day: number, n: string) =>
    e.commandIssued({
      eventId: ev(`issued-${n}`),
      obligationId: ids.dataDeleted(dataId),
      commandId: `${tenantId}-c-${n}`,
      at: day,
    });
  const confirm = (n: string, day: number) =>
    e.confirmed({ eventId: ev(`confirmed-${n}`), commandId: `${tenantId}-c-${n}`, at: day, deletedCount: 1 });
  const phases: StoryPhase[] = [
    {
      recordedAt: at(10.5),
      entries: [
        e.dataCreated({ eventId: ev('created-d1'), dataId: 'd1', subjectId: 'u1', at: 0 }),
        e.dataCreated({ eventId: ev('created-d2'), dataId: 'd2', subjectId: 'u1', at: 0.5 }),
        e.dataCreated({
          eventId: ev('created-d3'),
          dataId: 'd3',
          subjectId: 'u2',
          at: 1,
          region: 'us',
          store: 'files',
        }),
        e.dataCreated({ eventId: ev('created-d4'), dataId: 'd4', subjectId: STORY_SUBJECT, at: 1 }),
        e.dataCreated({ eventId: ev('created-d5'), dataId: HOSTILE_DATA_ID, at: 1 }),
        e.dataDeleted({ eventId: ev('deleted-d1'), dataId: 'd1', at: 10 }),
        e.dataDeleted({ eventId: ev('deleted-d2'), dataId: 'd2', at: 10 }),
        e.dataDeleted({ eventId: ev('deleted-d5'), dataId: HOSTILE_DATA_ID, at: 10 }),
      ],
    },
    {
      recordedAt: at(12.5),
      entries: [
        issue('d1', 10, '1'),
        confirm('1', 12),
        issue('d2', 11, '2'),
        issue(HOSTILE_DATA_ID, 10, '5'),
        confirm('5', 11),
      ],
    },
    { recordedAt: at(46), entries: [confirm('2', 45)] },
    {
      recordedAt: at(61),
      entries: [
        e.holdPlaced({ eventId: ev('hold'), holdId: 'h1', subjectId: STORY_SUBJECT, at: 50 }),
        e.dataDeleted({ eventId: ev('deleted-d4'), dataId: 'd4', at: 55 }),
        e.dataDeleted({ eventId: ev('deleted-d3'), dataId: 'd3', at: 60 }),
      ],
    },
  ];
  return { phases, day: at, ids };
}
