import { EntryBuilder, given, obligationIds } from '../testing';

const e = new EntryBuilder();
const ids = obligationIds();
const id = ids.dataDeleted('d1');
const deletedData = [e.dataCreated({ dataId: 'd1', at: 0 }), e.dataDeleted({ dataId: 'd1', at: 10 })];

describe('rule: status follows the ledger (DeletionCommandIssued / DeletionConfirmed / DeletionFailed)', () => {
  it('DeletionCommandIssued makes it issued', () => {
    given(deletedData)
      .when(e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }))
      .thenContains({
        obligationId: id,
        status: 'issued',
        commands: [{ commandId: 'c1', issuedAt: e.day(10.5), attempt: 1 }],
      });
  });

  // Found by the order-independence property: two dispatchers racing on one attempt issue
  // two commandIds with the same obligation, attempt and time. Both are facts of the
  // ledger; before, the second to arrive was taken for a redelivery of the first and
  // dropped, so which command the obligation showed depended on arrival order.
  it('two commands of one attempt at one time are both listed, whichever arrives first', () => {
    given([...deletedData, e.commandIssued({ obligationId: id, commandId: 'c2', at: 10.5 })])
      .when(e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }))
      .thenContains({
        obligationId: id,
        status: 'issued',
        commands: [
          { commandId: 'c1', issuedAt: e.day(10.5), attempt: 1 },
          { commandId: 'c2', issuedAt: e.day(10.5), attempt: 1 },
        ],
      });
  });

  it('DeletionConfirmed for its command makes it confirmed', () => {
    given([...deletedData, e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 })])
      .when(e.confirmed({ commandId: 'c1', at: 11, deletedCount: 3 }))
      .then([
        {
          obligationId: id,
          tenantId: 't1',
          region: 'eu',
          store: 'main',
          target: { kind: 'data', dataId: 'd1' },
          reason: 'data-deleted',
          triggeredAt: e.day(10),
          dueAt: e.day(10),
          deadline: e.day(40),
          status: 'confirmed',
          policyVersion: 'default-2025-01',
          flags: [],
          commands: [{ commandId: 'c1', issuedAt: e.day(10.5), attempt: 1 }],
          confirmedAt: e.day(11),
        },
      ]);
  });

  it('DeletionFailed makes it failed, with the error', () => {
    given([...deletedData, e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 })])
      .when(e.failed({ commandId: 'c1', at: 11, error: 'disk full' }))
      .thenContains({ obligationId: id, status: 'failed', failedAt: e.day(11), error: 'disk full' });
  });

  it('a re-issue after a failure makes it issued again, then confirmed', () => {
    const history = [
      ...deletedData,
      e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }),
      e.failed({ commandId: 'c1', at: 11 }),
    ];
    given(history)
      .when(e.commandIssued({ obligationId: id, commandId: 'c2', attempt: 2, at: 12 }))
      .thenContains({
        obligationId: id,
        status: 'issued',
        commands: [{ commandId: 'c1' }, { commandId: 'c2', attempt: 2 }],
      });
    given([...history, e.commandIssued({ obligationId: id, commandId: 'c2', attempt: 2, at: 12 })])
      .when(e.confirmed({ commandId: 'c2', at: 13 }))
      .thenContains({ obligationId: id, status: 'confirmed', confirmedAt: e.day(13) });
  });

  it('a receipt that arrives before its command waits for it', () => {
    given([...deletedData, e.confirmed({ commandId: 'c1', at: 11 })])
      .when(e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }))
      .thenContains({ obligationId: id, status: 'confirmed', confirmedAt: e.day(11) });
  });

  it('a command that arrives before the facts of its obligation waits for them', () => {
    given([e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 })])
      .when(...deletedData)
      .thenContains({ obligationId: id, status: 'issued' });
  });

  it('a receipt from another region or store than the command went to is ignored and flagged', () => {
    given([...deletedData, e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 })])
      .when(e.confirmed({ commandId: 'c1', region: 'us', at: 11 }))
      .thenContains({ obligationId: id, status: 'issued', flags: ['receipt-region-mismatch'] });
  });

  it('duplicates change nothing: the same receipt twice', () => {
    const receipt = e.confirmed({ commandId: 'c1', at: 11 });
    given([...deletedData, e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }), receipt])
      .when(receipt)
      .thenContains({ obligationId: id, status: 'confirmed', confirmedAt: e.day(11) });
  });

  it('once confirmed, a later failure of another attempt does not undo it', () => {
    given([
      ...deletedData,
      e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }),
      e.confirmed({ commandId: 'c1', at: 11 }),
      e.commandIssued({ obligationId: id, commandId: 'c2', attempt: 2, at: 12 }),
    ])
      .when(e.failed({ commandId: 'c2', at: 13 }))
      .thenContains({ obligationId: id, status: 'confirmed', confirmedAt: e.day(11) });
  });
});
