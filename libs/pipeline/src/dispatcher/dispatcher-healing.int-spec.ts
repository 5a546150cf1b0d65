import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeletionCommand, NewEntry } from '@app/contracts';
import { LedgerStore, openLedger } from '@app/ledger';
import { openReadModel, ReadModel } from '@app/read-model';
import { createProjector } from '../projector/create-projector';
import type { Projector } from '../projector/projector';
import { Dispatcher, DispatcherOptions } from './dispatcher';
import { factsAt } from '../testing/dispatch-facts';

const { at, fact, policyActivated } = factsAt(Date.parse('2026-03-01T00:00:00Z'));
const HOUR = 3_600_000;

/** Data `d<i>` created and deleted at `ms`: one obligation due at once. */
function deletion(i: number, ms: number): NewEntry[] {
  return [
    fact(`created-${i}`, 'DataCreated', ms, {
      dataId: `d${i}`,
      category: 'personal',
      region: 'eu',
      store: 'main',
    }),
    fact(`deleted-${i}`, 'DataDeleted', ms + 1, { dataId: `d${i}`, deletedBy: 'user' }),
  ];
}

/**
 * The dispatcher heals itself (issue 8): exhausted obligations leave the retry scan, a
 * command without a receipt is issued again after RECEIPT_TIMEOUT. Real SQLite ledger and
 * read model, the projector following, an injected clock.
 */
describe('Dispatcher healing', () => {
  const dirs: string[] = [];
  let ledger: LedgerStore;
  let readModel: ReadModel;
  let projector: Projector;
  let now: Date;
  let published: DeletionCommand[];

  const settle = async () => {
    while ((await projector.step()).entries > 0);
  };
  const make = (opts: Partial<DispatcherOptions> = {}) =>
    new Dispatcher(
      {
        ledger,
        readModel,
        now: () => now,
        publish: async (commands) => void published.push(...commands),
        findIssued: (id) => ledger.findByEventId(id),
      },
      {
        batchSize: 100,
        maxAttempts: 1,
        retryBaseMs: 1000,
        receiptTimeoutMs: HOUR,
        sweepIntervalMs: 0,
        ...opts,
      },
    );
  const fail = (c: DeletionCommand, ms: number) =>
    fact(`fail-${c.commandId}`, 'DeletionFailed', ms, {
      commandId: c.commandId,
      region: 'eu',
      store: 'main',
      completedAt: at(ms).toISOString(),
      error: 'disk full',
    });

  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-heal-'));
    dirs.push(dir);
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    readModel = await openReadModel(`sqlite:${path.join(dir, 'read-model.db')}`);
    projector = createProjector(ledger, readModel, 'follow', { batchSize: 100 });
    published = [];
    now = at(0);
    await ledger.appendBatch([policyActivated()]);
  });
  afterEach(async () => {
    await readModel.close();
    await ledger.close();
  });
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('retries a newer failure although more exhausted failures than a batch are older', async () => {
    // Six obligations fail on both their attempts...
    const first = make({ maxAttempts: 2 });
    for (let i = 0; i < 6; i++) await ledger.appendBatch(deletion(i, i * 10));
    await settle();
    now = at(1000);
    expect(await first.tick()).toBe(6);
    await ledger.appendBatch(published.map((c) => fail(c, 2000)));
    await settle();
    now = at(10_000);
    expect(await first.tick()).toBe(6);
    await ledger.appendBatch(published.slice(6).map((c) => fail(c, 11_000)));
    await settle();
    expect(await readModel.countRetriesExhausted(2)).toBe(6);
    expect(await readModel.retryable(2, 100)).toEqual([]);

    // ...then a newer one fails once. A retry scan of 5 rows must still find it.
    const dispatcher = make({ maxAttempts: 2, batchSize: 5 });
    await ledger.appendBatch(deletion(9, 20_000));
    await settle();
    now = at(21_000);
    expect(await dispatcher.tick()).toBe(1);
    const newer = published.at(-1)!;
    await ledger.appendBatch([fail(newer, 22_000)]);
    await settle();
    now = at(30_000);
    expect(await dispatcher.tick()).toBe(1);
    expect(published.filter((c) => c.obligationId === newer.obligationId)).toHaveLength(2);
    await ledger.appendBatch([fail(published.at(-1)!, 31_000)]);
    await settle();
    expect(await readModel.countRetriesExhausted(2)).toBe(7);
    now = at(100 * HOUR);
    expect(await dispatcher.tick()).toBe(0);
  });

  it('issues a new attempt when a published command has no receipt within RECEIPT_TIMEOUT', async () => {
    const dispatcher = make({ maxAttempts: 3 });
    await ledger.appendBatch(deletion(1, 0));
    await settle();
    now = at(1000);
    expect(await dispatcher.tick()).toBe(1);
    await settle();
    now = at(1000 + HOUR - 1);
    expect(await dispatcher.tick()).toBe(0);
    now = at(1000 + HOUR);
    expect(await dispatcher.tick()).toBe(1);
    expect(dispatcher.counters).toMatchObject({ issued: 2, retried: 1, receiptTimeouts: 1 });
    await settle();
    // A pass before the projector saw the new attempt, and one after: still one entry per attempt.
    expect(await dispatcher.tick()).toBe(0);
    const [first, second] = published;
    expect(second.obligationId).toBe(first.obligationId);
    expect(second.commandId).not.toBe(first.commandId);
    const o = (await readModel.obligations('acme'))[0];
    expect(o.status).toBe('issued');
    expect((o.detail as { commands: Array<{ attempt: number }> }).commands.map((c) => c.attempt)).toEqual([
      1, 2,
    ]);

    // The late receipt of the first attempt still settles it.
    await ledger.appendBatch([
      fact('late-ok', 'DeletionConfirmed', 2 * HOUR, {
        commandId: first.commandId,
        region: 'eu',
        store: 'main',
        completedAt: at(2 * HOUR).toISOString(),
      }),
    ]);
    await settle();
    expect((await readModel.obligations('acme'))[0].status).toBe('confirmed');
    now = at(10 * HOUR);
    expect(await dispatcher.tick()).toBe(0);
  });

  it('stops at the last attempt when receipts never come', async () => {
    const dispatcher = make({ maxAttempts: 2 });
    await ledger.appendBatch(deletion(1, 0));
    await settle();
    for (let h = 0; h < 5; h++) {
      now = at(1000 + h * HOUR);
      await dispatcher.tick();
      await settle();
    }
    expect(published).toHaveLength(2);
    expect(dispatcher.counters.receiptTimeouts).toBe(1);
  });
});
