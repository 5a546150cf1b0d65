import { Kafka } from 'kafkajs';
import { DeletionCommand, RawRecord, TopicNames } from '@app/contracts';
import {
  DeletionHandler,
  InMemoryDedupeStore,
  RegionalClient,
  RegionalClientOptions,
} from '@app/regional-client';
import { deletionCommand } from '@app/regional-client/testing/deletion-command.fixture';
import { consumeAll, ensureTopics, produce, randomPrefix, testKafka } from './support/kafka';

const REGIONS = ['eu', 'us'];

/** The SDK on the real broker: its own topics and group per test. */
describe('RegionalClient on the real broker', () => {
  let kafka: Kafka;
  let topics: TopicNames;
  let prefix: string;
  const running: RegionalClient[] = [];

  async function startClient(handler: DeletionHandler, extra: Partial<RegionalClientOptions> = {}) {
    const rejected: Array<{ raw: RawRecord; reason: string }> = [];
    const client = new RegionalClient({
      kafka,
      region: 'eu',
      topics,
      groupId: `${prefix}store-eu`,
      handler,
      onRejected: (raw, reason) => void rejected.push({ raw, reason }),
      ...extra,
    });
    await client.start();
    running.push(client);
    return { client, rejected };
  }

  function send(cmd: DeletionCommand, topic = topics.commands('eu')): Promise<void> {
    return produce(kafka, topic, [{ key: cmd.tenantId, value: JSON.stringify(cmd) }]);
  }

  async function receipts(count: number, region = 'eu') {
    const records = await consumeAll(kafka, topics.receipts(region), count);
    return records.map((r) => ({ key: r.key, value: JSON.parse(r.value) as Record<string, unknown> }));
  }

  beforeAll(() => {
    kafka = testKafka('regional-client-test');
  });

  beforeEach(async () => {
    prefix = randomPrefix();
    topics = new TopicNames(prefix, REGIONS);
    await ensureTopics(kafka, [
      ...REGIONS.map((r) => topics.commands(r)),
      ...REGIONS.map((r) => topics.receipts(r)),
    ]);
  }, 30_000);

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  it('executes a command once and publishes a completed receipt on its region’s receipt topic', async () => {
    const handler = jest.fn(async (_cmd: DeletionCommand) => ({ deletedCount: 3 }));
    const before = Date.now();
    await startClient(handler);
    const cmd = deletionCommand({ commandId: 'c-once', tenantId: 'acme' });
    await send(cmd);

    const [receipt] = await receipts(1);
    expect(receipt.key).toBe('acme');
    expect(receipt.value).toEqual({
      commandId: 'c-once',
      tenantId: 'acme',
      region: 'eu',
      store: 'main',
      status: 'completed',
      completedAt: expect.any(String),
      deletedCount: 3,
    });
    const completedAt = Date.parse(String(receipt.value.completedAt));
    expect(completedAt).toBeGreaterThanOrEqual(before);
    expect(completedAt).toBeLessThanOrEqual(Date.now());
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0][0]).toEqual(cmd);
  }, 60_000);

  it('answers a repeated command with a second completed receipt without calling the handler again', async () => {
    const handler = jest.fn(async () => ({ deletedCount: 2 }));
    const { client } = await startClient(handler);
    const cmd = deletionCommand({ commandId: 'c-repeat' });
    await send(cmd);
    await receipts(1);
    await send(cmd);

    const both = await receipts(2);
    expect(both.map((r) => r.value.status)).toEqual(['completed', 'completed']);
    // Byte-identical: the ledger derives the receipt's id from commandId, status and completedAt.
    expect(both[1].value).toEqual(both[0].value);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(client.counters).toMatchObject({ executed: 1, repeated: 1 });
  }, 60_000);

  it('refuses a command on the eu topic that names region us: not executed, no receipt', async () => {
    const handler = jest.fn(async (_cmd: DeletionCommand) => ({ deletedCount: 1 }));
    const { rejected } = await startClient(handler);
    const foreign = deletionCommand({ commandId: 'c-us', region: 'us', tenantId: 'acme' });
    const own = deletionCommand({ commandId: 'c-eu', tenantId: 'acme' });
    // Same key, same partition: once the second command's receipt is out, the first was handled.
    await send(foreign);
    await send(own);

    const out = await receipts(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await receipts(1)).toEqual(out);
    expect(out[0].value.commandId).toBe('c-eu');
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0][0]).toMatchObject({ commandId: 'c-eu' });
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toMatch(/residency/);
    expect(rejected[0].raw.topic).toBe(topics.commands('eu'));
  }, 60_000);

  it('sends a failed receipt when the handler throws, and runs the handler again when the command is retried', async () => {
    let calls = 0;
    const handler = jest.fn(async (): Promise<{ deletedCount: number }> => {
      calls++;
      if (calls === 1) {
        const error = new Error('storage node unavailable for user-7');
        error.stack = 'Error: storage node unavailable\n    at /srv/secret/path.js:1:1';
        throw error;
      }
      return { deletedCount: 5 };
    });
    await startClient(handler);
    const cmd = deletionCommand({ commandId: 'c-fail' });
    await send(cmd);
    const [failed] = await receipts(1);
    expect(failed.value).toEqual({
      commandId: 'c-fail',
      tenantId: 'tenant-a',
      region: 'eu',
      store: 'main',
      status: 'failed',
      completedAt: expect.any(String),
      // No stack, and the subject identifier blanked.
      error: 'storage node unavailable for [subject]',
    });

    await send(cmd);
    const [, retried] = await receipts(2);
    expect(retried.value).toMatchObject({ commandId: 'c-fail', status: 'completed', deletedCount: 5 });
    expect(handler).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('commits offsets after the receipts: a restarted client in the same group handles only new commands', async () => {
    const first = jest.fn(async () => ({ deletedCount: 1 }));
    const a = await startClient(first);
    await send(deletionCommand({ commandId: 'c-1' }));
    await receipts(1);
    await a.client.stop();
    running.splice(running.indexOf(a.client), 1);

    // A fresh dedupe store: were c-1 redelivered, this handler would run it.
    const second = jest.fn(async (_cmd: DeletionCommand) => ({ deletedCount: 1 }));
    const b = await startClient(second, { dedupe: new InMemoryDedupeStore() });
    await send(deletionCommand({ commandId: 'c-2' }));
    await receipts(2);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(second.mock.calls[0][0]).toMatchObject({ commandId: 'c-2' });
    expect(b.client.counters).toMatchObject({ executed: 1, repeated: 0 });
  }, 90_000);

  it('does not commit a batch whose handling failed: it is redelivered, nothing skipped', async () => {
    const handler = jest.fn(async () => ({ deletedCount: 1 }));
    let hookCalls = 0;
    await startClient(handler, {
      onRejected: () => {
        // E.g. a dead-letter publish that failed: the batch must come again.
        if (++hookCalls === 1) throw new Error('dead-letter topic unavailable');
      },
    });
    await send(deletionCommand({ commandId: 'c-bad', region: 'us' }));
    await send(deletionCommand({ commandId: 'c-good' }));
    const [out] = await receipts(1);
    expect(out.value.commandId).toBe('c-good');
    expect(hookCalls).toBeGreaterThanOrEqual(2);
    expect(handler).toHaveBeenCalledTimes(1);
  }, 60_000);

  it('leaves commands for the region’s other stores to them', async () => {
    const handler = jest.fn(async () => ({ deletedCount: 1 }));
    const { client } = await startClient(handler, { stores: ['main'] });
    await send(deletionCommand({ commandId: 'c-crm', store: 'crm' }));
    await send(deletionCommand({ commandId: 'c-main', store: 'main' }));
    const out = await receipts(1);
    expect(out[0].value.commandId).toBe('c-main');
    expect(client.counters).toMatchObject({ executed: 1, ignored: 1 });
  }, 60_000);
});
