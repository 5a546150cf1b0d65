import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Obligation, ObligationStatus } from '@app/retention';
import { ObligationRecord, openReadModel, ReadModel } from '.';

function ob(id: string, over: Partial<ObligationRecord> = {}): ObligationRecord {
  return {
    obligationId: id,
    tenantId: 'acme',
    region: 'eu',
    store: 'crm',
    status: 'scheduled',
    dueAt: '2026-01-01T00:00:00.000Z',
    deadline: '2026-01-31T00:00:00.000Z',
    // Only the fields these queries read (the fold writes whole obligations).
    detail: { obligationId: id, reason: 'data-deleted' } as Obligation,
    ...over,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-rm-'));
const adapters: Array<[string, () => string, RegExp]> = [
  [
    'sqlite',
    () => `sqlite:${path.join(dir, `${randomBytes(4).toString('hex')}.db`)}`,
    /^UNIQUE constraint failed: obligations\.obligation_id$/,
  ],
  ['sqlite in memory', () => 'sqlite::memory:', /^UNIQUE constraint failed: obligations\.obligation_id$/],
  [
    'postgres',
    () => `postgres://postgres@127.0.0.1:5432/postgres?schema=rm_${randomBytes(4).toString('hex')}`,
    /duplicate key value violates unique constraint/,
  ],
];

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(adapters)('%s read model', (_name, url, duplicateIdError) => {
  let rm: ReadModel;
  beforeEach(async () => {
    rm = await openReadModel(url());
  });
  afterEach(async () => rm.close());

  it('stores obligations and the checkpoint together, and serves them by tenant', async () => {
    await rm.write({ upserts: [ob('a'), ob('b', { tenantId: 'other' })], removals: [], checkpoint: '10' });
    expect(await rm.checkpoint()).toBe('10');
    expect((await rm.obligations('acme')).map((o) => o.obligationId)).toEqual(['a']);
    expect(await rm.obligationIds('other')).toEqual(['b']);
    expect(await rm.obligation('b')).toEqual(ob('b', { tenantId: 'other' }));
  });

  it('serves the stored obligations in the order obligations() gives, each detail as JSON text of the same object', async () => {
    const detail = (id: string) => ({ obligationId: id, reason: 'data-deleted', commands: [{ attempt: 1 }] });
    await rm.write({
      upserts: [
        ob('late', { dueAt: '2026-03-01T00:00:00.000Z', detail: detail('late') as unknown as Obligation }),
        ob('early', { status: 'failed', dueAt: '2026-02-01T00:00:00.000Z' }),
        ob('same-due', { dueAt: '2026-02-01T00:00:00.000Z' }),
        ob('other', { tenantId: 'other' }),
      ],
      removals: [],
      checkpoint: '1',
    });
    const records = await rm.obligations('acme');
    const stored = await rm.storedObligations('acme');
    expect(stored.map((o) => o.obligationId)).toEqual(['early', 'same-due', 'late']);
    expect(stored.map((o) => o.obligationId)).toEqual(records.map((o) => o.obligationId));
    expect(stored.map((o) => [o.status, o.deadline])).toEqual(records.map((o) => [o.status, o.deadline]));
    expect(stored.map((o) => JSON.parse(o.detailJson))).toEqual(records.map((o) => o.detail));
    expect(await rm.storedObligations('nobody')).toEqual([]);
  });

  it('updates in place and removes', async () => {
    await rm.write({ upserts: [ob('a'), ob('b')], removals: [], checkpoint: '1' });
    await rm.write({ upserts: [ob('a', { status: 'issued' })], removals: ['b'], checkpoint: '2' });
    expect(await rm.obligations('acme')).toEqual([ob('a', { status: 'issued' })]);
    expect(await rm.countsByStatus()).toEqual({ issued: 1 });
  });

  it('lists only scheduled obligations that are due, oldest first', async () => {
    await rm.write({
      upserts: [
        ob('late', { dueAt: '2026-01-03T00:00:00.000Z' }),
        ob('early', { dueAt: '2026-01-01T00:00:00.000Z' }),
        ob('future', { dueAt: '2027-01-01T00:00:00.000Z' }),
        ob('held', { status: 'held', dueAt: '2025-01-01T00:00:00.000Z' }),
      ],
      removals: [],
      checkpoint: '4',
    });
    const due = await rm.due(new Date('2026-06-01T00:00:00Z'), 10);
    expect(due.map((o) => o.obligationId)).toEqual(['early', 'late']);
    expect((await rm.due(new Date('2026-06-01T00:00:00Z'), 1)).map((o) => o.obligationId)).toEqual(['early']);
  });

  it('lists by status and remembers published commands', async () => {
    await rm.write({ upserts: [ob('a', { status: 'failed' }), ob('b')], removals: [], checkpoint: '1' });
    expect((await rm.withStatus('failed', 10)).map((o) => o.obligationId)).toEqual(['a']);
    await rm.markPublished(['c1', 'c2'], new Date());
    await rm.markPublished(['c2'], new Date());
    expect(await rm.published(['c1', 'c3', 'c2'])).toEqual(new Set(['c1', 'c2']));
  });

  it("finds the dispatcher's healing work: unpublished, awaiting a receipt, retryable, exhausted", async () => {
    const cmds = (n: number, id: string) =>
      Array.from({ length: n }, (_, i) => ({
        commandId: `${id}-${i + 1}`,
        issuedAt: '2026-01-01T00:00:00.000Z',
        attempt: i + 1,
      }));
    const withCommands = (id: string, status: ObligationStatus, n: number, failedAt?: string) =>
      ob(id, {
        status,
        detail: { obligationId: id, commands: cmds(n, id), ...(failedAt ? { failedAt } : {}) } as Obligation,
      });
    await rm.write({
      upserts: [
        withCommands('sent', 'issued', 1),
        withCommands('unsent', 'issued', 2),
        withCommands('last-try', 'issued', 3),
        withCommands('spent', 'failed', 3, '2026-01-01T00:00:00.000Z'),
        withCommands('again-late', 'failed', 1, '2026-01-05T00:00:00.000Z'),
        withCommands('again', 'failed', 2, '2026-01-02T00:00:00.000Z'),
      ],
      removals: [],
      checkpoint: '1',
    });
    // Only the last command of each counts: unsent-1 was published, unsent-2 not.
    await rm.markPublished(['sent-1', 'unsent-1', 'last-try-3'], new Date('2026-02-01T00:00:00Z'));
    expect((await rm.unpublishedIssued(10)).map((o) => o.obligationId)).toEqual(['unsent']);
    expect(await rm.awaitingReceipt(new Date('2026-01-31T00:00:00Z'), 3, 10)).toEqual([]);
    // last-try has used its three attempts: its missing receipt leads to no fourth.
    expect(
      (await rm.awaitingReceipt(new Date('2026-02-01T00:00:00Z'), 3, 10)).map((o) => o.obligationId),
    ).toEqual(['sent']);
    expect((await rm.retryable(3, 10)).map((o) => o.obligationId)).toEqual(['again', 'again-late']);
    expect((await rm.retryable(3, 1)).map((o) => o.obligationId)).toEqual(['again']);
    expect(await rm.countRetriesExhausted(3)).toBe(1);
    expect(await rm.countRetriesExhausted(2)).toBe(2);
  });

  it('an empty load leaves no obligation and no checkpoint, but keeps publication marks', async () => {
    await rm.write({ upserts: [ob('a')], removals: [], checkpoint: '1' });
    await rm.markPublished(['c1'], new Date());
    await (await rm.load()).commit(undefined);
    expect(await rm.checkpoint()).toBeUndefined();
    // Publication marks are the dispatcher's, not derived: a rebuild keeps them.
    expect(await rm.published(['c1'])).toEqual(new Set(['c1']));
    expect(await rm.countsByStatus()).toEqual({});
  });

  it('a load replaces every obligation and the checkpoint at commit, not before', async () => {
    await rm.write({ upserts: [ob('old'), ob('kept', { status: 'held' })], removals: [], checkpoint: '1' });
    await rm.markPublished(['c1'], new Date());
    // An uncommitted load changes nothing, and the next load starts afresh.
    await (await rm.load()).add([ob('abandoned')]);
    const load = await rm.load();
    await load.add([ob('late', { dueAt: '2026-01-03T00:00:00.000Z' }), ob('kept', { status: 'issued' })]);
    await load.add([
      ob('early', { dueAt: '2026-01-01T00:00:00.000Z' }),
      ob('x', { tenantId: 'other', dueAt: '2026-01-02T00:00:00.000Z' }),
    ]);
    await load.add([]);
    expect((await rm.obligations('acme')).map((o) => o.obligationId)).toEqual(['kept', 'old']);
    expect(await rm.checkpoint()).toBe('1');
    await load.commit('9');
    expect(await rm.checkpoint()).toBe('9');
    expect((await rm.obligations('acme')).map((o) => o.obligationId)).toEqual(['early', 'kept', 'late']);
    expect(await rm.obligation('kept')).toEqual(ob('kept', { status: 'issued' }));
    expect(await rm.obligationIds('other')).toEqual(['x']);
    expect(await rm.obligation('abandoned')).toBeUndefined();
    // The indexes serve as before.
    const due = await rm.due(new Date('2026-06-01T00:00:00Z'), 10);
    expect(due.map((o) => o.obligationId)).toEqual(['early', 'x', 'late']);
    expect((await rm.withStatus('issued', 10)).map((o) => o.obligationId)).toEqual(['kept']);
    expect(await rm.published(['c1'])).toEqual(new Set(['c1']));
    // Writes carry on after a load.
    await rm.write({ upserts: [ob('next')], removals: ['late'], checkpoint: '10' });
    expect((await rm.obligations('acme')).map((o) => o.obligationId)).toEqual(['early', 'kept', 'next']);
  });

  it("a load that cannot commit fails with the store's reason; it, or an aborted load, leaves the read model as it was", async () => {
    await rm.write({ upserts: [ob('old')], removals: [], checkpoint: '1' });
    await rm.markPublished(['c1'], new Date());
    const failing = await rm.load();
    // Against the contract of `add` (no id twice): the swap's primary key refuses it.
    await failing.add([ob('twice'), ob('new')]);
    await failing.add([ob('twice')]);
    // (SqliteError can come from another realm under jest, once another file loaded the
    // addon in this worker: match the message, not the class.)
    const refused = await failing.commit('9').then(
      () => 'committed',
      (err: unknown) => String((err as Error).message),
    );
    expect(refused).toMatch(duplicateIdError);
    const aborted = await rm.load();
    await aborted.add([ob('new')]);
    await aborted.abort();
    expect(await rm.checkpoint()).toBe('1');
    expect(await rm.obligationIds('acme')).toEqual(['old']);
    expect(await rm.published(['c1'])).toEqual(new Set(['c1']));
    // The next load starts afresh.
    const load = await rm.load();
    await load.add([ob('new')]);
    await load.commit('10');
    expect(await rm.obligationIds('acme')).toEqual(['new']);
    expect(await rm.checkpoint()).toBe('10');
  });
});
