import { auditView } from '../audit';
import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();
const ob = ids.dataDeleted('d1');

const failedTwice = [
  e.dataCreated({ dataId: 'd1', at: 0 }),
  e.dataDeleted({ dataId: 'd1', at: 10 }),
  e.commandIssued({ obligationId: ob, commandId: 'c1', attempt: 1, at: 10.1 }),
  e.failed({ commandId: 'c1', at: 10.2, error: 'store down' }),
  e.commandIssued({ obligationId: ob, commandId: 'c2', attempt: 2, at: 10.3 }),
  e.failed({ commandId: 'c2', at: 10.4, error: 'store down' }),
];

describe('rule: an operator retry makes a failed obligation due again', () => {
  it('after its last failure: scheduled again, with the retry on record', () => {
    given(failedTwice)
      .when(e.retried({ eventId: 'op:r1', obligationId: ob, actor: 'key-7', reason: 'store fixed', at: 11 }))
      .thenContains({
        obligationId: ob,
        status: 'scheduled',
        retriedAt: e.day(11),
        operations: [
          { kind: 'retry', eventId: 'op:r1', at: e.day(11), actor: 'key-7', reason: 'store fixed' },
        ],
      });
  });

  it('the retried attempt is issued and confirmed: confirmed, met', () => {
    const confirmed = given([...failedTwice, e.retried({ obligationId: ob, at: 11 })])
      .when(
        e.commandIssued({ obligationId: ob, commandId: 'c3', attempt: 3, at: 11.1 }),
        e.confirmed({ commandId: 'c3', at: 11.2 }),
      )
      .obligations()
      .find((o) => o.obligationId === ob);
    expect(confirmed).toMatchObject({ status: 'confirmed', retriedAt: e.day(11) });
    expect(auditView(confirmed!, new Date(e.day(60))).verdict).toBe('met');
  });

  it('a retry older than the last failure changes nothing', () => {
    given(failedTwice)
      .when(e.retried({ obligationId: ob, at: 10.35 }))
      .thenContains({ obligationId: ob, status: 'failed' });
  });
});

describe('rule: an operator resolution closes an obligation, never as met by the system', () => {
  it('done by hand: status resolved, with actor and reason, verdict done-manually', () => {
    const [o] = given(failedTwice)
      .when(
        e.resolved({
          obligationId: ob,
          resolution: 'done-manually',
          actor: 'key-7',
          reason: 'DBA ran the purge',
          at: 12,
        }),
      )
      .obligations();
    expect(o).toMatchObject({
      status: 'resolved',
      resolution: { status: 'done-manually', at: e.day(12), actor: 'key-7', reason: 'DBA ran the purge' },
    });
    expect(auditView(o, new Date(e.day(60))).verdict).toBe('done-manually');
  });

  it('waived: verdict waived', () => {
    const [o] = given(failedTwice)
      .when(
        e.resolved({ obligationId: ob, resolution: 'waived', reason: 'legal: retention required', at: 12 }),
      )
      .obligations();
    expect(auditView(o, new Date(e.day(60))).verdict).toBe('waived');
  });

  it('the earliest resolution rules', () => {
    given([...failedTwice, e.resolved({ obligationId: ob, resolution: 'waived', at: 13 })])
      .when(e.resolved({ obligationId: ob, resolution: 'done-manually', at: 12 }))
      .thenContains({ obligationId: ob, resolution: { status: 'done-manually', at: e.day(12) } });
  });

  it('a later confirmation by the store wins: confirmed, the resolution stays in the operations', () => {
    given([...failedTwice, e.resolved({ obligationId: ob, resolution: 'done-manually', at: 12 })])
      .when(e.confirmed({ commandId: 'c2', at: 13 }))
      .thenContains({ obligationId: ob, status: 'confirmed', operations: [{ kind: 'resolve' }] });
  });
});

describe('rule: an operator extension moves the deadline, the original stays beside it', () => {
  it('the deadline becomes the extension; originalDeadline keeps the promise; flagged', () => {
    given(failedTwice)
      .when(e.extended({ obligationId: ob, until: 50, actor: 'key-7', reason: 'vendor outage', at: 12 }))
      .thenContains({
        obligationId: ob,
        deadline: e.day(50),
        originalDeadline: e.day(40),
        flags: ['deadline-extended'],
        operations: [{ kind: 'extend', until: e.day(50), actor: 'key-7', reason: 'vendor outage' }],
      });
  });

  it('several extensions: the latest deadline asked for rules (an extension never shortens)', () => {
    given([...failedTwice, e.extended({ obligationId: ob, until: 60, at: 12 })])
      .when(e.extended({ obligationId: ob, until: 50, at: 13 }))
      .thenContains({ obligationId: ob, deadline: e.day(60), originalDeadline: e.day(40) });
  });

  it('an extension before the current deadline changes nothing', () => {
    given(failedTwice)
      .when(e.extended({ obligationId: ob, until: 30, at: 12 }))
      .thenContains({ obligationId: ob, deadline: e.day(40), flags: [] });
  });

  it('an operator fact that arrives before its obligation exists applies once it does', () => {
    given([e.extended({ obligationId: ob, until: 50, at: 12 }), e.dataCreated({ dataId: 'd1', at: 0 })])
      .when(e.dataDeleted({ dataId: 'd1', at: 10 }))
      .thenContains({ obligationId: ob, deadline: e.day(50) });
  });
});
