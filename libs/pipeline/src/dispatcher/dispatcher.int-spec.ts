import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeletionCommand } from '@app/contracts';
import { LedgerStore, openLedger } from '@app/ledger';
import { openReadModel, ReadModel } from '@app/read-model';
import { createProjector } from '../projector/create-projector';
import type { Projector } from '../projector/projector';
import { Dispatcher } from './dispatcher';
import { factsAt } from '../testing/dispatch-facts';

const { at, fact: entry, policyActivated } = factsAt(Date.parse('2026-03-01T00:00:00Z'));

/**
 * The dispatcher on a real ledger and read model, with the projector following it and
 * an injected clock: retries with backoff up to the limit, and publication after a failed publish.
 */
describe('Dispatcher', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-dispatcher-'));
  let ledger: LedgerStore;
  let readModel: ReadModel;
  let projector: Projector;
  let now = at(0);
  const published: DeletionCommand[] = [];
  let failNextPublish = false;
  let dispatcher: Dispatcher;

  const settle = async () => {
    while ((await projector.step()).entries > 0);
  };
  const status = async () => (await readModel.obligations('acme'))[0];

  beforeAll(async () => {
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    readModel = await openReadModel(`sqlite:${path.join(dir, 'read-model.db')}`);
    projector = createProjector(ledger, readModel, 'follow', { batchSize: 100 });
    dispatcher = new Dispatcher(
      {
        ledger,
        readModel,
        now: () => now,
        publish: async (commands) => {
          if (failNextPublish) {
            failNextPublish = false;
            throw new Error('broker unreachable');
          }
          published.push(...commands);
        },
        findIssued: (id) => ledger.findByEventId(id),
      },
      { batchSize: 100, maxAttempts: 2, retryBaseMs: 10_000, receiptTimeoutMs: 3_600_000 },
    );
    await ledger.appendBatch([
      policyActivated(),
      entry('created', 'DataCreated', 0, { dataId: 'd1', category: 'personal', region: 'eu', store: 'main' }),
      entry('deleted', 'DataDeleted', 1000, { dataId: 'd1', deletedBy: 'user' }),
    ]);
    await settle();
  });
  afterAll(async () => {
    await readModel.close();
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes again, on the next pass and without a restart, what was issued when the publish failed', async () => {
    now = at(2000);
    failNextPublish = true;
    await expect(dispatcher.tick()).rejects.toThrow('broker unreachable');
    expect(dispatcher.counters.publishFailures).toBe(1);
    await settle();
    expect((await status()).status).toBe('issued');
    // The projector has moved it to `issued`, so the due scan no longer sees it: the sweep must.
    expect(await dispatcher.tick()).toBe(1);
    expect(published.map((c) => c.region)).toEqual(['eu']);
    expect(await dispatcher.tick()).toBe(0);
    expect(dispatcher.counters.issued).toBe(1);
  });

  it('retries a failed command after its backoff, then leaves it failed after the last attempt', async () => {
    const first = published[0];
    await ledger.appendBatch([
      entry('fail-1', 'DeletionFailed', 3000, {
        commandId: first.commandId,
        region: 'eu',
        store: 'main',
        completedAt: at(3000).toISOString(),
        error: 'disk full',
      }),
    ]);
    await settle();
    expect((await status()).status).toBe('failed');

    now = at(3000 + 5_000); // backoff of 10 s not over yet
    expect(await dispatcher.tick()).toBe(0);
    now = at(3000 + 10_000);
    expect(await dispatcher.tick()).toBe(1);
    const second = published[1];
    expect(second.commandId).not.toBe(first.commandId);
    expect(second.obligationId).toBe(first.obligationId);
    await settle();
    expect((await status()).status).toBe('issued');

    await ledger.appendBatch([
      entry('fail-2', 'DeletionFailed', 14_000, {
        commandId: second.commandId,
        region: 'eu',
        store: 'main',
        completedAt: at(14_000).toISOString(),
        error: 'disk full',
      }),
    ]);
    await settle();
    now = at(10 * 86_400_000);
    expect(await dispatcher.tick()).toBe(0);
    const last = await status();
    expect(last.status).toBe('failed');
    expect((last.detail as { commands: unknown[] }).commands).toHaveLength(2);
  });

  it("an operator's retry issues the next attempt at once and gives the obligation a fresh budget", async () => {
    const obligationId = (await status()).obligationId;
    const retryAt = 10 * 86_400_000 + 1000;
    await ledger.appendBatch([
      entry('op:retry-1', 'ObligationRetried', retryAt, {
        obligationId,
        actor: 'ops',
        reason: 'disk replaced',
      }),
    ]);
    await settle();
    expect((await status()).status).toBe('scheduled');
    now = at(retryAt + 1000);
    expect(await dispatcher.tick()).toBe(1);
    const third = published[2];
    await settle();
    await ledger.appendBatch([
      entry('fail-3', 'DeletionFailed', retryAt + 2000, {
        commandId: third.commandId,
        region: 'eu',
        store: 'main',
        completedAt: at(retryAt + 2000).toISOString(),
        error: 'disk full again',
      }),
    ]);
    await settle();
    // One attempt since the retry, of two allowed: retried automatically after the backoff.
    now = at(retryAt + 2000 + 10_000);
    expect(await dispatcher.tick()).toBe(1);
    await settle();
    expect((await status()).status).toBe('issued');
    expect(((await status()).detail as { commands: unknown[] }).commands).toHaveLength(4);
  });
});
