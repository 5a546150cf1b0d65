import { EntryBuilder, given, obligationIds } from '../testing';
import { isDueSoon, isOverdue, isOwed, timeToDeadlineMs } from './overdue';

const e = new EntryBuilder();
const id = obligationIds().dataDeleted('d1');
const deleted = [e.dataCreated({ dataId: 'd1', at: 0 }), e.dataDeleted({ dataId: 'd1', at: 10 })];
const after = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

describe('overdue: past its deadline and still owed', () => {
  it('given a scheduled purge, when the deadline passes, then it is overdue (not at the deadline itself)', () => {
    const [o] = given(deleted).obligations();
    expect(isOverdue(o, after(o.deadline, -1))).toBe(false);
    expect(isOverdue(o, after(o.deadline, 0))).toBe(false);
    expect(isOverdue(o, after(o.deadline, 1))).toBe(true);
    expect(timeToDeadlineMs(o, after(o.deadline, 1))).toBe(-1);
  });

  it('given an issued command with no receipt, after the deadline, then it is still owed and overdue', () => {
    const o = given(deleted)
      .when(e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }))
      .obligations()[0];
    expect(o.status).toBe('issued');
    expect(isOverdue(o, after(o.deadline, 1))).toBe(true);
  });

  it('given a confirmed purge, then it is never overdue and nothing is owed', () => {
    const o = given(deleted)
      .when(
        e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }),
        e.confirmed({ commandId: 'c1', at: 10.6 }),
      )
      .obligations()[0];
    expect(o.status).toBe('confirmed');
    expect(isOwed(o)).toBe(false);
    expect(isOverdue(o, after(o.deadline, 86_400_000))).toBe(false);
    expect(timeToDeadlineMs(o, after(o.deadline, 1))).toBeUndefined();
  });

  it('given a restored item, then its cancelled purge is not overdue', () => {
    const o = given(deleted)
      .when(e.dataRestored({ dataId: 'd1', at: 11 }))
      .obligations()[0];
    expect(o.status).toBe('cancelled');
    expect(isOverdue(o, after(o.deadline, 1))).toBe(false);
  });

  it('due soon: owed, deadline within the window and not yet passed', () => {
    const [o] = given(deleted).obligations();
    expect(isDueSoon(o, after(o.deadline, -7 * 86_400_000))).toBe(true);
    expect(isDueSoon(o, after(o.deadline, -7 * 86_400_000 - 1))).toBe(false);
    expect(isDueSoon(o, after(o.deadline, 1))).toBe(false);
  });
});
