import type { StoredObligation } from '@app/read-model';
import { obligationFlags } from '@app/reports';
import type { Obligation } from '@app/retention';
import { EntryBuilder, given } from '@app/retention/testing';
import { obligationsAnswerJson, type ObligationsAnswer } from './obligations-answer';

const e = new EntryBuilder('acme');
const MAX_ATTEMPTS = 2;

/** The answer as the controller built it before: each detail parsed, spread and serialised again. */
function answerFromObjects(tenantId: string, now: Date, list: Obligation[]): ObligationsAnswer {
  const obligations = list.map((o) => ({ ...o, ...obligationFlags(o, now, MAX_ATTEMPTS) }));
  return { tenantId, at: now.toISOString(), count: obligations.length, obligations };
}

const stored = (o: Obligation, detailJson = JSON.stringify(o)): StoredObligation => ({
  obligationId: o.obligationId,
  status: o.status,
  deadline: o.deadline,
  detailJson,
});

describe('obligationsAnswerJson', () => {
  // Obligations in each status the flags depend on: owed (scheduled, overdue), confirmed
  // (no timeToDeadlineMs), failed with an attempt left and failed with none left.
  // Four deleted data items, then receipts that settle or fail their purges.
  const deletions = ['d1', 'd2', 'd3', 'd4'].flatMap((dataId, i) => [
    e.dataCreated({ dataId, at: 0 }),
    e.dataDeleted({ dataId, at: i + 1 }),
  ]);
  const [confirmedId, oneFailureId, exhaustedId] = given(deletions)
    .obligations()
    .map((o) => o.obligationId);
  const withReceipts = given([
    ...deletions,
    e.commandIssued({ obligationId: confirmedId, commandId: 'c1', at: 40 }),
    e.confirmed({ commandId: 'c1', at: 41 }),
    e.commandIssued({ obligationId: oneFailureId, commandId: 'c2', at: 40 }),
    e.failed({ commandId: 'c2', at: 41, error: 'store down' }),
    e.commandIssued({ obligationId: exhaustedId, commandId: 'c3', at: 40 }),
    e.failed({ commandId: 'c3', at: 41, error: 'store down' }),
    e.commandIssued({ obligationId: exhaustedId, commandId: 'c4', attempt: 2, at: 42 }),
    e.failed({ commandId: 'c4', at: 43, error: 'still down' }),
  ]).obligations();

  it('is the JSON of the answer built from the parsed details, for every status the flags read', () => {
    const statuses = withReceipts.map((o) => o.status);
    expect(statuses).toEqual(expect.arrayContaining(['confirmed', 'failed', 'scheduled']));
    for (const now of [new Date(e.day(20)), new Date(e.day(60))]) {
      const text = obligationsAnswerJson(
        'acme',
        now,
        withReceipts.map((o) => stored(o)),
        MAX_ATTEMPTS,
      );
      expect(JSON.parse(text)).toEqual(answerFromObjects('acme', now, withReceipts));
    }
    const late = JSON.parse(
      obligationsAnswerJson(
        'acme',
        new Date(e.day(60)),
        withReceipts.map((o) => stored(o)),
        MAX_ATTEMPTS,
      ),
    ) as ObligationsAnswer;
    const flags = Object.fromEntries(late.obligations.map((o) => [o.obligationId, o]));
    expect(flags[exhaustedId]).toMatchObject({ status: 'failed', retriesExhausted: true });
    expect(flags[oneFailureId]).toMatchObject({ status: 'failed', retriesExhausted: false });
    expect(flags[confirmedId].timeToDeadlineMs).toBeUndefined();
    expect(late.obligations.some((o) => o.overdue)).toBe(true);
  });

  it('takes a detail with other whitespace (jsonb text) and an empty one, and refuses one that is not an object', () => {
    const o = withReceipts[0];
    const spaced = stored(o, `${JSON.stringify(o, null, 1)}  `);
    const answer = JSON.parse(obligationsAnswerJson('acme', new Date(e.day(20)), [spaced], MAX_ATTEMPTS));
    expect(answer).toEqual(answerFromObjects('acme', new Date(e.day(20)), [o]));
    const owed = withReceipts.find((x) => x.status === 'scheduled')!;
    const empty = JSON.parse(
      obligationsAnswerJson('acme', new Date(e.day(20)), [stored(owed, '{}')], MAX_ATTEMPTS),
    );
    expect(Object.keys(empty.obligations[0])).toEqual(['overdue', 'retriesExhausted', 'timeToDeadlineMs']);
    expect(() => obligationsAnswerJson('acme', new Date(), [stored(o, '[1]')], MAX_ATTEMPTS)).toThrow(
      new RegExp(`obligation ${o.obligationId} with a detail that is not a JSON object`),
    );
  });

  it('answers an empty list as count 0', () => {
    expect(JSON.parse(obligationsAnswerJson('t "q"', new Date(0), [], MAX_ATTEMPTS))).toEqual({
      tenantId: 't "q"',
      at: new Date(0).toISOString(),
      count: 0,
      obligations: [],
    });
  });
});
