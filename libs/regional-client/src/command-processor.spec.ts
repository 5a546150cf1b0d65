import type { DeletionCommand, RawRecord } from '@app/contracts';
import { CommandProcessor } from './command-processor';
import { DedupeStore, InMemoryDedupeStore } from './dedupe-store';
import type { DeletionContext, DeletionResult } from './deletion-handler';
import type { Receipt } from './receipt';
import { commandRecord, deletionCommand } from './testing/deletion-command.fixture';

const NOW = new Date('2026-02-01T10:00:00.000Z');

function setup(
  handler: (cmd: DeletionCommand, ctx: DeletionContext) => Promise<DeletionResult>,
  dedupe?: DedupeStore,
) {
  const rejected: Array<{ raw: RawRecord; reason: string }> = [];
  const processor = new CommandProcessor({
    region: 'eu',
    handler: jest.fn(handler),
    dedupe: dedupe ?? new InMemoryDedupeStore(),
    now: () => NOW,
    onRejected: (raw, reason) => void rejected.push({ raw, reason }),
  });
  return { processor, rejected };
}

describe('CommandProcessor', () => {
  it('executes a command and answers with a completed receipt', async () => {
    const handler = jest.fn(async () => ({ deletedCount: 3 }));
    const { processor } = setup(handler);
    const receipts = await processor.process([commandRecord(deletionCommand())]);
    expect(receipts).toEqual([
      {
        commandId: 'cmd-1',
        tenantId: 'tenant-a',
        region: 'eu',
        store: 'main',
        status: 'completed',
        completedAt: NOW.toISOString(),
        deletedCount: 3,
      },
    ]);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('answers a repeated command (even within one batch) with the stored receipt, without running it again', async () => {
    const handler = jest.fn(async () => ({ deletedCount: 2 }));
    const { processor } = setup(handler);
    const record = commandRecord(deletionCommand());
    const [a, b] = await processor.process([record, record]);
    const [c] = await processor.process([record]);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(processor.counters).toMatchObject({ executed: 1, repeated: 2 });
  });

  it('turns a throwing handler into a failed receipt, and runs the handler again on retry', async () => {
    let calls = 0;
    const { processor } = setup(async () => {
      if (++calls === 1) throw new Error('store offline');
      return { deletedCount: 1 };
    });
    const record = commandRecord(deletionCommand());
    const [failed] = await processor.process([record]);
    expect(failed).toEqual({
      commandId: 'cmd-1',
      tenantId: 'tenant-a',
      region: 'eu',
      store: 'main',
      status: 'failed',
      completedAt: NOW.toISOString(),
      error: 'store offline',
    });
    const [retried] = await processor.process([record]);
    expect(retried).toMatchObject({ status: 'completed', deletedCount: 1 });
    expect(calls).toBe(2);
  });

  it('refuses another region’s command without calling the handler or answering', async () => {
    const handler = jest.fn(async () => ({ deletedCount: 1 }));
    const { processor, rejected } = setup(handler);
    expect(await processor.process([commandRecord(deletionCommand({ region: 'us' }))])).toEqual([]);
    expect(handler).not.toHaveBeenCalled();
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toMatch(/residency/);
  });

  it('refuses a commandId already completed for another tenant', async () => {
    const handler = jest.fn(async () => ({ deletedCount: 1 }));
    const { processor, rejected } = setup(handler);
    await processor.process([commandRecord(deletionCommand())]);
    const reused = await processor.process([commandRecord(deletionCommand({ tenantId: 'tenant-b' }))]);
    expect(reused).toEqual([]);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(rejected[0].reason).toMatch(/already completed/);
  });

  it('reports an invalid deletedCount as a failure', async () => {
    const { processor } = setup(async () => ({ deletedCount: -1 }));
    const [r] = await processor.process([commandRecord(deletionCommand())]);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/deletedCount/) });
  });

  it('sends the receipt the handler recorded in its own transaction', async () => {
    const stored: Receipt[] = [];
    const { processor } = setup(async (_cmd, ctx) => {
      stored.push(ctx.completedReceipt(4));
      return { deletedCount: 4 };
    });
    const [r] = await processor.process([commandRecord(deletionCommand())]);
    expect(r).toEqual(stored[0]);
  });

  it('fails the batch (no receipt, offsets not committed) when the dedupe store cannot write', async () => {
    const dedupe: DedupeStore = {
      get: async () => undefined,
      put: async () => Promise.reject(new Error('disk')),
    };
    const { processor } = setup(async () => ({ deletedCount: 1 }), dedupe);
    await expect(processor.process([commandRecord(deletionCommand())])).rejects.toThrow('disk');
  });
});

describe('InMemoryDedupeStore', () => {
  it('remembers completed receipts only, and never overwrites', async () => {
    const store = new InMemoryDedupeStore();
    const base = { commandId: 'c', tenantId: 't', region: 'eu', store: 's', completedAt: NOW.toISOString() };
    await store.put({ ...base, status: 'failed', error: 'x' });
    expect(await store.get('c')).toBeUndefined();
    await store.put({ ...base, status: 'completed', deletedCount: 1 });
    await store.put({ ...base, status: 'completed', deletedCount: 9 });
    expect(await store.get('c')).toMatchObject({ deletedCount: 1 });
  });
});
