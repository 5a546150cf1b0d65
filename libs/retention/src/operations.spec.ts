import { decideOperation, OPERATOR_EVENT_ID_PREFIX, type OperatorContext } from './operations';
import { EntryBuilder, given, obligationIds } from './testing';

const e = new EntryBuilder();
const ids = obligationIds();

let n = 0;
const ctx: OperatorContext = {
  tenantId: 't1',
  actor: 'key-7',
  reason: 'store fixed',
  now: new Date(e.day(12)),
  newId: () => `id-${++n}`,
};

function failedIn(store: string, dataId: string, c: string) {
  return [
    e.dataCreated({ dataId, store, at: 0 }),
    e.dataDeleted({ dataId, at: 10 }),
    e.commandIssued({ obligationId: ids.dataDeleted(dataId), commandId: c, store, at: 10.1 }),
    e.failed({ commandId: c, store, at: 10.2 }),
  ];
}

const ledger = [
  ...failedIn('main', 'd1', 'c1'),
  ...failedIn('main', 'd2', 'c2'),
  ...failedIn('files', 'd3', 'c3'),
  e.dataCreated({ dataId: 'd4', at: 0 }),
  e.dataDeleted({ dataId: 'd4', at: 10 }),
];
const obligations = given(ledger).obligations();

describe('decision: retry one failed obligation, or all failed ones of a tenant or store (bulk)', () => {
  it('one: an ObligationRetried fact with actor, reason and an op: id', () => {
    const d = decideOperation(obligations, { kind: 'retry', obligationId: ids.dataDeleted('d1') }, ctx);
    expect(d).toMatchObject({
      ok: true,
      entries: [
        {
          type: 'ObligationRetried',
          tenantId: 't1',
          occurredAt: e.day(12),
          data: { obligationId: ids.dataDeleted('d1'), actor: 'key-7', reason: 'store fixed' },
        },
      ],
    });
    if (d.ok) expect(d.entries[0].eventId.startsWith(OPERATOR_EVENT_ID_PREFIX)).toBe(true);
  });

  it('bulk: every failed obligation of the tenant, or of one store', () => {
    const all = decideOperation(obligations, { kind: 'retry' }, ctx);
    expect(all.ok && all.obligationIds.sort()).toEqual(
      [ids.dataDeleted('d1'), ids.dataDeleted('d2'), ids.dataDeleted('d3')].sort(),
    );
    const files = decideOperation(obligations, { kind: 'retry', region: 'eu', store: 'files' }, ctx);
    expect(files.ok && files.obligationIds).toEqual([ids.dataDeleted('d3')]);
  });

  it('refused for an obligation that is not failed, or unknown', () => {
    expect(decideOperation(obligations, { kind: 'retry', obligationId: ids.dataDeleted('d4') }, ctx)).toEqual(
      {
        ok: false,
        problem: expect.stringContaining('is scheduled, not failed'),
      },
    );
    expect(decideOperation(obligations, { kind: 'retry', obligationId: 'ob.nope' }, ctx)).toEqual({
      ok: false,
      problem: 'tenant t1 has no obligation ob.nope',
    });
  });

  it('refused without an actor or a reason', () => {
    expect(decideOperation(obligations, { kind: 'retry' }, { ...ctx, reason: ' ' })).toMatchObject({
      ok: false,
    });
    expect(decideOperation(obligations, { kind: 'retry' }, { ...ctx, actor: '' })).toMatchObject({
      ok: false,
    });
  });
});

describe('decision: resolve closes an open obligation; never a held one (holds win)', () => {
  it('done-manually on a failed obligation', () => {
    expect(
      decideOperation(
        obligations,
        { kind: 'resolve', obligationId: ids.dataDeleted('d1'), resolution: 'done-manually' },
        ctx,
      ),
    ).toMatchObject({
      ok: true,
      entries: [{ type: 'ObligationResolved', data: { resolution: 'done-manually' } }],
    });
  });

  it('refused under an active hold, and for what is already closed', () => {
    const held = given([...ledger, e.holdPlaced({ holdId: 'h1', at: 11 })]).obligations();
    expect(
      decideOperation(
        held,
        { kind: 'resolve', obligationId: ids.dataDeleted('d4'), resolution: 'waived' },
        ctx,
      ),
    ).toEqual({ ok: false, problem: expect.stringContaining('is held by h1') });
    const confirmed = given([...ledger, e.confirmed({ commandId: 'c1', at: 11 })]).obligations();
    expect(
      decideOperation(
        confirmed,
        { kind: 'resolve', obligationId: ids.dataDeleted('d1'), resolution: 'waived' },
        ctx,
      ),
    ).toEqual({ ok: false, problem: expect.stringContaining('is confirmed') });
  });
});

describe('decision: extend moves a deadline later, never earlier', () => {
  it('an ObligationExtended fact with the new deadline', () => {
    expect(
      decideOperation(
        obligations,
        { kind: 'extend', obligationId: ids.dataDeleted('d1'), until: e.day(50) },
        ctx,
      ),
    ).toMatchObject({ ok: true, entries: [{ type: 'ObligationExtended', data: { until: e.day(50) } }] });
  });

  it('refused at or before the current deadline, or for a bad time', () => {
    expect(
      decideOperation(
        obligations,
        { kind: 'extend', obligationId: ids.dataDeleted('d1'), until: e.day(40) },
        ctx,
      ),
    ).toEqual({ ok: false, problem: expect.stringContaining('never shortens') });
    expect(
      decideOperation(
        obligations,
        { kind: 'extend', obligationId: ids.dataDeleted('d1'), until: 'soon' },
        ctx,
      ),
    ).toMatchObject({ ok: false });
  });
});
