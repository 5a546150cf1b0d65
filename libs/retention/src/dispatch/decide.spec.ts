import type { NewEntry } from '@app/contracts/entry-types';
import { EntryBuilder, given, obligationIds } from '../testing';
import { decide, type DispatchEvent, type DispatchRules } from './decide';

const e = new EntryBuilder();
const id = obligationIds().dataDeleted('d1');
const HOUR = 3_600_000;
const rules: DispatchRules = { maxAttempts: 3, retryBaseMs: HOUR, receiptTimeoutMs: 2 * HOUR };
const deleted = [e.dataCreated({ dataId: 'd1', at: 0 }), e.dataDeleted({ dataId: 'd1', at: 10 })];
const at = (days: number, plusMs = 0) => Date.parse(e.day(days)) + plusMs;

/** given(ledger entries) → when(Dispatch at `now`, with the last command published at …) → then(events). */
function dispatching(entries: NewEntry[], opts: { lastPublishedAt?: string } = {}) {
  const o = given(entries)
    .obligations()
    .find((x) => x.obligationId === id);
  if (!o) throw new Error('no obligation');
  return {
    when: (now: number) => ({
      then: (expected: DispatchEvent[]) =>
        expect(decide({ type: 'Dispatch', now, rules }, { obligation: o, ...opts })).toEqual(expected),
    }),
  };
}

const issue = (n: number, day: number) =>
  e.commandIssued({ obligationId: id, commandId: `c${n}`, attempt: n, at: day });
const fail = (n: number, day: number) => e.failed({ commandId: `c${n}`, at: day, error: 'store down' });

describe('dispatch decide: a scheduled obligation', () => {
  it('before it is due: nothing', () => {
    const due = given(deleted).obligations()[0].dueAt;
    dispatching(deleted)
      .when(Date.parse(due) - 1)
      .then([]);
  });

  it('once it is due: attempt 1', () => {
    const due = given(deleted).obligations()[0].dueAt;
    dispatching(deleted)
      .when(Date.parse(due))
      .then([{ type: 'AttemptDue', attempt: 1, cause: 'due' }]);
  });

  it('held by a legal hold: nothing, however late', () => {
    const held = [...deleted, e.holdPlaced({ holdId: 'h1', at: 9 })];
    dispatching(held).when(at(400)).then([]);
  });
});

describe('dispatch decide: a failed obligation backs off retryBaseMs × 2^(n-1)', () => {
  it('after failure 1: waits one base, then attempt 2', () => {
    const once = [...deleted, issue(1, 10.5), fail(1, 10.6)];
    dispatching(once)
      .when(at(10.6, HOUR - 1))
      .then([{ type: 'BackingOff', attempt: 2, until: at(10.6, HOUR) }]);
    dispatching(once)
      .when(at(10.6, HOUR))
      .then([{ type: 'AttemptDue', attempt: 2, cause: 'retry' }]);
  });

  it('after failure 2: waits two bases', () => {
    const twice = [...deleted, issue(1, 10.5), fail(1, 10.6), issue(2, 10.7), fail(2, 10.8)];
    dispatching(twice)
      .when(at(10.8, 2 * HOUR - 1))
      .then([{ type: 'BackingOff', attempt: 3, until: at(10.8, 2 * HOUR) }]);
    dispatching(twice)
      .when(at(10.8, 2 * HOUR))
      .then([{ type: 'AttemptDue', attempt: 3, cause: 'retry' }]);
  });

  it('after maxAttempts failures: stops, failed permanently', () => {
    const spent = [...deleted, ...[1, 2, 3].flatMap((n) => [issue(n, 10 + n / 10), fail(n, 10.05 + n / 10)])];
    dispatching(spent)
      .when(at(300))
      .then([{ type: 'AttemptsExhausted', attempts: 3 }]);
  });

  it('an operator retry gives a fresh budget: scheduled again, attempt 4 is due', () => {
    const spent = [
      ...deleted,
      ...[1, 2, 3].flatMap((n) => [issue(n, 10 + n / 10), fail(n, 10.05 + n / 10)]),
      e.retried({ obligationId: id, at: 11 }),
    ];
    dispatching(spent)
      .when(at(11))
      .then([{ type: 'AttemptDue', attempt: 4, cause: 'due' }]);
  });

  it('after a retry and one more failure, the backoff starts over at one base', () => {
    const again = [
      ...deleted,
      ...[1, 2, 3].flatMap((n) => [issue(n, 10 + n / 10), fail(n, 10.05 + n / 10)]),
      e.retried({ obligationId: id, at: 11 }),
      issue(4, 11.1),
      fail(4, 11.2),
    ];
    dispatching(again)
      .when(at(11.2, HOUR))
      .then([{ type: 'AttemptDue', attempt: 5, cause: 'retry' }]);
  });
});

describe('dispatch decide: an issued command without a receipt', () => {
  const issued = [...deleted, issue(1, 10.5)];
  const published = e.day(10.5);

  it('not yet published: nothing (the outbox sweep publishes it)', () => {
    dispatching(issued).when(at(20)).then([]);
  });

  it('within RECEIPT_TIMEOUT of its publication: waits for the receipt', () => {
    dispatching(issued, { lastPublishedAt: published })
      .when(at(10.5, 2 * HOUR - 1))
      .then([{ type: 'AwaitingReceipt', until: at(10.5, 2 * HOUR) }]);
  });

  it('after RECEIPT_TIMEOUT: the next attempt, as a receipt timeout', () => {
    dispatching(issued, { lastPublishedAt: published })
      .when(at(10.5, 2 * HOUR))
      .then([{ type: 'AttemptDue', attempt: 2, cause: 'receipt-timeout' }]);
  });

  it('after RECEIPT_TIMEOUT with maxAttempts used: stops', () => {
    const third = [...deleted, issue(1, 10.5), fail(1, 10.6), issue(2, 10.7), fail(2, 10.8), issue(3, 10.9)];
    dispatching(third, { lastPublishedAt: e.day(10.9) })
      .when(at(11))
      .then([{ type: 'AttemptsExhausted', attempts: 3 }]);
  });

  it('confirmed: nothing more to do', () => {
    dispatching([...issued, e.confirmed({ commandId: 'c1', at: 10.6 })], { lastPublishedAt: published })
      .when(at(20))
      .then([]);
  });
});
