import { EntryBuilder, given, obligationIds } from '../testing';
import { holdScopeCovers, holdSuspends } from './holds-win';

const e = new EntryBuilder();
const ids = obligationIds();
const item = { subjectId: 'u1', dataId: 'd1', category: 'personal' };
const scope = (over: Partial<typeof item> = {}) => ({
  subjectId: null,
  dataId: null,
  category: null,
  ...over,
});

describe('holds win: the scope', () => {
  it('a hold without filters takes in every item of the tenant', () => {
    expect(holdScopeCovers(scope(), item)).toBe(true);
  });
  it('each filter given must match', () => {
    expect(holdScopeCovers(scope({ subjectId: 'u1', category: 'personal' }), item)).toBe(true);
    expect(holdScopeCovers(scope({ subjectId: 'u1', category: 'audit-log' }), item)).toBe(false);
    expect(holdScopeCovers(scope({ dataId: 'd2' }), item)).toBe(false);
  });
});

describe('holds win: the time', () => {
  it('bites from the instant it is placed until its release, if placed before the confirmation', () => {
    expect(holdSuspends({ from: 10, to: Infinity }, 10, Infinity)).toBe(true);
    expect(holdSuspends({ from: 5, to: 10 }, 10, Infinity)).toBe(false); // over at the trigger
    expect(holdSuspends({ from: 12, to: 12 }, 10, Infinity)).toBe(false); // no length
    expect(holdSuspends({ from: 20, to: 30 }, 10, 20)).toBe(false); // placed at the confirmation
    expect(holdSuspends({ from: 19, to: 30 }, 10, 20)).toBe(true);
  });
});

describe('holds win in the fold: given a deletion, when a covering hold is placed, then…', () => {
  const deleted = [
    e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 0 }),
    e.dataDeleted({ dataId: 'd1', at: 10 }),
  ];
  it('the purge is held, whatever the hold’s scope that covers it', () => {
    for (const filter of [{}, { subjectId: 'u1' }, { dataId: 'd1' }, { category: 'personal' }]) {
      given(deleted)
        .when(e.holdPlaced({ holdId: 'h1', at: 10, ...filter }))
        .thenContains({ obligationId: ids.dataDeleted('d1'), status: 'held', holdIds: ['h1'] });
    }
  });
  it('a hold on another item changes nothing', () => {
    given(deleted)
      .when(e.holdPlaced({ holdId: 'h1', at: 10, dataId: 'd2' }))
      .thenContains({ obligationId: ids.dataDeleted('d1'), status: 'scheduled' });
  });
});
