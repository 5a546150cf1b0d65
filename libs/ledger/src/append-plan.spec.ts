import type { NewEntry } from '@app/contracts/entry-types';
import { chainEntries, classifyEntries, LedgerInputError, prepareEntries } from './append-plan';
import { canonicalEntry } from './canonical';
import { ChainVerifier, GENESIS_HASH, toChainLink } from './hash-chain';
import { parseStoredSubject, type StoredPlainSubject, subjectDigest } from './subject';
import { dataCreated, subscriptionEnded } from './testing/entries';

describe('prepareEntries', () => {
  it('stores data as canonical JSON', () => {
    const [p] = prepareEntries([
      dataCreated({ data: { store: 's', region: 'eu', dataId: 'd', category: 'c' } }),
    ]);
    expect(p.dataJson).toBe('{"category":"c","dataId":"d","region":"eu","store":"s"}');
  });

  it('gives the same payload hash to a redelivery from another offset', () => {
    const e = dataCreated();
    const [a, b] = prepareEntries([
      e,
      { ...e, source: { topic: 'data-created', partition: 9, offset: '999' } },
    ]);
    expect(a.payloadHash).toBe(b.payloadHash);
  });

  it.each<[string, (e: NewEntry<'DataCreated'>) => NewEntry]>([
    ['tenantId', (e) => ({ ...e, tenantId: 'tenant-b' })],
    ['type', (e) => ({ ...e, type: 'DataDeleted' })],
    ['occurredAt', (e) => ({ ...e, occurredAt: '2030-01-01T00:00:00.000Z' })],
    ['data', (e) => ({ ...e, data: { ...e.data, store: 'other' } })],
    ['data key added', (e) => ({ ...e, data: { ...e.data, extra: 1 } as NewEntry<'DataCreated'>['data'] })],
    ['subject', (e) => ({ ...e, subject: { subjectId: 'other-user' } })],
    ['subject removed', (e) => ({ ...e, subject: null })],
  ])('changes the payload hash when %s changes', (_what, change) => {
    const e = dataCreated();
    const [a, b] = prepareEntries([e, change(e)]);
    expect(a.payloadHash).not.toBe(b.payloadHash);
  });

  it.each<[string, Partial<NewEntry<'DataCreated'>>]>([
    ['empty eventId', { eventId: '' }],
    ['empty tenantId', { tenantId: '' }],
    ['unknown type', { type: 'Nope' as 'DataCreated' }],
    [
      'NaN in data',
      {
        data: {
          dataId: 'd',
          category: 'c',
          region: 'r',
          store: 's',
          n: NaN,
        } as NewEntry<'DataCreated'>['data'],
      },
    ],
    ['array data', { data: [] as unknown as NewEntry<'DataCreated'>['data'] }],
    ['lone surrogate in subject', { subject: { subjectId: 'x\ud800' } }],
    ['NUL in eventId', { eventId: 'a\u0000b' }],
    ['fractional partition', { source: { topic: 't', partition: 1.5, offset: '1' } }],
  ])('refuses %s with LedgerInputError naming the entry', (_what, bad) => {
    const entries = [dataCreated(), dataCreated(bad)];
    expect(() => prepareEntries(entries)).toThrow(LedgerInputError);
    expect(() => prepareEntries(entries)).toThrow(/#1/);
  });
});

describe('classifyEntries', () => {
  it('marks same-payload repeats as duplicates and different payloads as conflicts, in input order', () => {
    const a = dataCreated();
    const b = dataCreated();
    const prepared = prepareEntries([a, a, { ...a, occurredAt: '2030-01-01T00:00:00.000Z' }, b]);
    const { toAppend, outcomes } = classifyEntries(prepared, () => undefined);
    expect(toAppend.map((p) => p.index)).toEqual([0, 3]);
    expect(outcomes[1]).toEqual({ status: 'duplicate', eventId: a.eventId });
    expect(outcomes[2]).toMatchObject({
      status: 'conflict',
      eventId: a.eventId,
      reason: expect.stringMatching(/batch/),
    });
  });

  it('compares with what is already stored, also for later repeats in the batch', () => {
    const a = dataCreated();
    const [stored] = prepareEntries([a]);
    const changed = { ...a, data: { ...a.data, store: 'x' } };
    const prepared = prepareEntries([changed, a]);
    const { toAppend, outcomes } = classifyEntries(prepared, (id) =>
      id === a.eventId ? stored.payloadHash : undefined,
    );
    expect(toAppend).toEqual([]);
    expect(outcomes[0]).toMatchObject({
      status: 'conflict',
      reason: expect.stringMatching(/already in the ledger/),
    });
    expect(outcomes[1]).toEqual({ status: 'duplicate', eventId: a.eventId });
  });
});

describe('chainEntries', () => {
  it('continues each tenant stream from its head and produces a verifiable chain', () => {
    const entries = [
      dataCreated(),
      dataCreated({ tenantId: 'tenant-b' }),
      subscriptionEnded(),
      dataCreated(),
    ];
    const first = chainEntries(
      prepareEntries(entries.slice(0, 2)),
      () => undefined,
      '2024-03-01T00:00:00.000Z',
    );
    const second = chainEntries(
      prepareEntries(entries.slice(2)),
      (t) => first.heads.get(t),
      '2024-03-02T00:00:00.000Z',
    );
    const a = [...first.records, ...second.records].filter((r) => r.tenantId === 'tenant-a');
    expect(a.map((r) => r.streamPosition)).toEqual([1, 2, 3]);
    expect(a[0].prevHash).toBe(GENESIS_HASH);
    const verifier = new ChainVerifier('tenant-a');
    for (const r of a) expect(verifier.push(toChainLink(r))).toBeNull();
    expect(second.heads.get('tenant-a')).toEqual({ tenantId: 'tenant-a', position: 3, hash: a[2].hash });
    expect(second.heads.has('tenant-b')).toBe(false);
  });

  it('moves its own copy of a head forward, never the head object it was given', () => {
    const first = chainEntries(prepareEntries([dataCreated()]), () => undefined, 'day 1');
    const cached = first.heads.get('tenant-a')!;
    const before = { ...cached };
    const second = chainEntries(
      prepareEntries([dataCreated(), subscriptionEnded(), dataCreated()]),
      () => cached,
      'day 2',
    );
    // The caller's head (e.g. its cache, kept if the write rolls back) is unchanged.
    expect(cached).toEqual(before);
    expect(second.records.map((r) => [r.streamPosition, r.prevHash])).toEqual([
      [2, cached.hash],
      [3, second.records[0].hash],
      [4, second.records[1].hash],
    ]);
    expect(second.heads.get('tenant-a')).toEqual({
      tenantId: 'tenant-a',
      position: 4,
      hash: second.records[2].hash,
    });
  });

  it('salts each subject separately and keeps the plaintext out of the hashed fields', () => {
    const same = { subject: { subjectId: 'alice' } };
    const { records } = chainEntries(
      prepareEntries([dataCreated(same), dataCreated(same)]),
      () => undefined,
      'now',
    );
    const stored = records.map((r) => parseStoredSubject(r.subjectJson!) as StoredPlainSubject);
    expect(stored[0]).toEqual({ subjectId: 'alice', salt: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(stored[0].salt).not.toBe(stored[1].salt);
    expect(records[0].subjectDigest).toBe(subjectDigest(stored[0].salt, 'alice'));
    expect(records[0].subjectDigest).not.toBe(records[1].subjectDigest);
    expect(canonicalEntry(records[0])).not.toContain('alice');
    const { records: none } = chainEntries(prepareEntries([subscriptionEnded()]), () => undefined, 'now');
    expect(none[0].subjectJson).toBeNull();
    expect(none[0].subjectDigest).toBeNull();
  });
});
