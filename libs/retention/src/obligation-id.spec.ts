import { OBLIGATION_ID_PATTERN, obligationIdOf, reasonOfObligationId } from './obligation-id';
import { EntryBuilder, given } from './testing';

const STORE_E1 = '91c13a1ca074d7741d8259845a5cbddd';

describe('obligation ids are deterministic: the same facts give the same id', () => {
  const e = new EntryBuilder();
  const facts = () => [
    e.dataCreated({ eventId: 'c1', dataId: 'd1', subjectId: 'u1', at: 0 }),
    e.dataCreated({ eventId: 'c2', dataId: 'd2', subjectId: 'u1', region: 'us', store: 'x', at: 0 }),
    e.dataDeleted({ eventId: 'x1', dataId: 'd1', at: 1 }),
    e.userDeleted({ eventId: 'u1-del', subjectId: 'u1', at: 2 }),
    e.subscriptionEnded({ eventId: 'end', at: 3 }),
  ];

  it('two folds of the same facts give the same ids', () => {
    const a = given(facts())
      .obligations()
      .map((o) => o.obligationId);
    const b = given(facts())
      .obligations()
      .map((o) => o.obligationId);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });

  it('ids are short and Kafka-safe', () => {
    for (const o of given(facts()).obligations()) {
      expect(o.obligationId).toMatch(OBLIGATION_ID_PATTERN);
      expect(o.obligationId.length).toBeLessThanOrEqual(200);
      expect(reasonOfObligationId(o.obligationId)).toBe(o.reason);
    }
  });

  it('ids do not contain the subject id (personal data stays in the subject part)', () => {
    const id = obligationIdOf({
      tenantId: 't1',
      reason: 'user-deleted',
      triggerEventId: 'e1',
      region: 'eu',
      store: 'main',
    });
    expect(id).not.toContain('u1');
  });

  it('every part matters, and parts cannot be confused by the characters they contain', () => {
    const base = {
      tenantId: 't1',
      reason: 'user-deleted',
      triggerEventId: 'e1',
      region: 'eu',
      store: 'main',
    } as const;
    const ids = [
      obligationIdOf(base),
      obligationIdOf({ ...base, tenantId: 't2' }),
      obligationIdOf({ ...base, triggerEventId: 'e2' }),
      obligationIdOf({ ...base, region: 'us' }),
      obligationIdOf({ ...base, store: 'other' }),
      obligationIdOf({ ...base, reason: 'subscription-ended' }),
      obligationIdOf({ ...base, triggerEventId: 'e1:eu', region: 'main', store: '' }),
      obligationIdOf({ tenantId: 't1', reason: 'data-deleted', dataId: 'e1' }),
      obligationIdOf({ tenantId: 't1', reason: 'max-age', dataId: 'e1' }),
      obligationIdOf({ tenantId: 't1', reason: 'user-deleted', dataId: 'e1' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is stable across releases (a change would orphan every issued command)', () => {
    // sha256("data|2:t1|2:d1"), first 128 bits.
    expect(obligationIdOf({ tenantId: 't1', reason: 'data-deleted', dataId: 'd1' })).toBe(
      'ob.data-deleted.3036080f2c764a999903ad09c0655b31',
    );
    // sha256("store|2:t1|2:e1|2:eu|4:main"), first 128 bits.
    expect(
      obligationIdOf({
        tenantId: 't1',
        reason: 'user-deleted',
        triggerEventId: 'e1',
        region: 'eu',
        store: 'main',
      }),
    ).toBe(`ob.user-deleted.${STORE_E1}`);
  });
});
