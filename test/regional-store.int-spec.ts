import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kafka } from 'kafkajs';
import { DeletionCommand, TopicNames } from '@app/contracts';
import { deletionCommand } from '@app/regional-client/testing/deletion-command.fixture';
import { RegionalStore } from '@app/regional-store';
import {
  consumeAll,
  ensureTopics,
  produce,
  randomPrefix,
  testBrokers,
  testKafka,
  waitFor,
} from './support/kafka';
import { exited, ROOT } from './support/cli-process';

const REGIONS = ['eu', 'us'];
const STORE_MAIN = path.join(ROOT, 'dist', 'apps', 'regional-store', 'src', 'main.js');

let seq = 0;
function dataCreated(
  tenantId: string,
  dataId: string,
  opts: { subjectId?: string; category?: string; region?: string; occurredAt?: string } = {},
) {
  const value = {
    eventId: `ev-${dataId}-${seq++}`,
    tenantId,
    occurredAt: opts.occurredAt ?? '2026-01-01T00:00:00Z',
    dataId,
    category: opts.category ?? 'personal',
    region: opts.region ?? 'eu',
    store: 'main',
    ...(opts.subjectId === undefined ? {} : { subjectId: opts.subjectId }),
  };
  return { key: tenantId, value: JSON.stringify(value) };
}

/** The reference store (in this process) on the real broker: own topics, group and SQLite file per test. */
describe('RegionalStore on the real broker', () => {
  let kafka: Kafka;
  let topics: TopicNames;
  let prefix: string;
  let dir: string;
  let store: RegionalStore | undefined;

  function startStore(groupId = `${prefix}regional-store-eu`): Promise<RegionalStore> {
    const s = new RegionalStore({
      kafka,
      region: 'eu',
      topics,
      dbPath: path.join(dir, 'store-eu.db'),
      groupId,
    });
    store = s;
    return s.start().then(() => s);
  }

  const dataIds = (s: RegionalStore, tenantId?: string) => s.rows(tenantId).map((r) => r.dataId);

  async function seed(s: RegionalStore, records: Array<{ key: string; value: string }>, expectRows: number) {
    await produce(kafka, topics.lifecycle('data-created'), records);
    await waitFor(
      () => s.rows().length,
      (n) => n >= expectRows,
      30_000,
      `${expectRows} rows`,
    );
  }

  function send(cmd: DeletionCommand, region = 'eu'): Promise<void> {
    return produce(kafka, topics.commands(region), [{ key: cmd.tenantId, value: JSON.stringify(cmd) }]);
  }

  async function receipts(count: number) {
    const records = await consumeAll(kafka, topics.receipts('eu'), count);
    return records.map((r) => JSON.parse(r.value) as Record<string, unknown>);
  }

  beforeAll(() => {
    kafka = testKafka('regional-store-test');
  });

  beforeEach(async () => {
    prefix = randomPrefix();
    topics = new TopicNames(prefix, REGIONS);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-regional-'));
    await ensureTopics(kafka, [
      topics.lifecycle('data-created'),
      ...REGIONS.map((r) => topics.commands(r)),
      ...REGIONS.map((r) => topics.receipts(r)),
    ]);
  }, 30_000);

  afterEach(async () => {
    await store?.stop();
    store = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores data-created of its own region only', async () => {
    const s = await startStore();
    // One tenant key, one partition: once the last eu row is in, the us record was seen before it.
    await seed(
      s,
      [
        dataCreated('acme', 'eu-1'),
        dataCreated('acme', 'us-1', { region: 'us' }),
        dataCreated('acme', 'eu-2'),
      ],
      2,
    );
    expect(dataIds(s)).toEqual(['eu-1', 'eu-2']);
    expect(s.dataCounters).toMatchObject({ inserted: 2, otherRegion: 1 });
  }, 60_000);

  it('a subject deletion for [personal] deletes only that subject’s personal rows: the audit log survives', async () => {
    const s = await startStore();
    await seed(
      s,
      [
        dataCreated('acme', 'p-1', { subjectId: 'alice' }),
        dataCreated('acme', 'p-2', { subjectId: 'alice' }),
        dataCreated('acme', 'log-1', { subjectId: 'alice', category: 'audit-log' }),
        dataCreated('acme', 'p-bob', { subjectId: 'bob' }),
      ],
      4,
    );
    await send(
      deletionCommand({
        commandId: 'c-alice',
        tenantId: 'acme',
        target: { kind: 'subject', subjectId: 'alice', categories: ['personal'] },
      }),
    );
    const [receipt] = await receipts(1);
    expect(receipt).toMatchObject({
      commandId: 'c-alice',
      tenantId: 'acme',
      region: 'eu',
      store: 'main',
      status: 'completed',
      deletedCount: 2,
    });
    expect(dataIds(s, 'acme')).toEqual(['log-1', 'p-bob']);
    expect(s.rows('acme').find((r) => r.dataId === 'log-1')).toMatchObject({
      subjectId: 'alice',
      category: 'audit-log',
    });
  }, 60_000);

  it('a tenant deletion deletes only that tenant’s rows, in the categories named', async () => {
    const s = await startStore();
    await seed(
      s,
      [
        dataCreated('acme', 'a-1', { subjectId: 'u1' }),
        dataCreated('acme', 'a-2'),
        dataCreated('acme', 'a-log', { category: 'audit-log' }),
        dataCreated('globex', 'g-1', { subjectId: 'u1' }),
        dataCreated('globex', 'g-log', { category: 'audit-log' }),
      ],
      5,
    );
    await send(
      deletionCommand({
        commandId: 'c-acme',
        tenantId: 'acme',
        reason: 'subscription-ended',
        target: { kind: 'tenant', categories: ['personal'] },
      }),
    );
    const [receipt] = await receipts(1);
    expect(receipt).toMatchObject({ commandId: 'c-acme', status: 'completed', deletedCount: 2 });
    expect(dataIds(s, 'acme')).toEqual(['a-log']);
    expect(dataIds(s, 'globex')).toEqual(['g-1', 'g-log']);

    await send(
      deletionCommand({
        commandId: 'c-data',
        tenantId: 'globex',
        reason: 'data-deleted',
        target: { kind: 'data', dataId: 'g-1' },
      }),
    );
    // Different tenants, different partitions: receipts need not come in order.
    const both = await receipts(2);
    expect(both.find((r) => r.commandId === 'c-data')).toMatchObject({ tenantId: 'globex', deletedCount: 1 });
    expect(dataIds(s, 'globex')).toEqual(['g-log']);
  }, 60_000);

  it('refuses a command on its topic naming region us: nothing is deleted', async () => {
    const s = await startStore();
    await seed(s, [dataCreated('acme', 'p-1', { subjectId: 'alice' })], 1);
    const foreign = deletionCommand({
      commandId: 'c-us',
      tenantId: 'acme',
      region: 'us',
      target: { kind: 'tenant', categories: ['personal'] },
    });
    const probe = deletionCommand({
      commandId: 'c-probe',
      tenantId: 'acme',
      target: { kind: 'data', dataId: 'none' },
    });
    await send(foreign);
    await send(probe); // same partition: its receipt means the foreign command was handled first
    const out = await receipts(1);
    expect(out.map((r) => r.commandId)).toEqual(['c-probe']);
    expect(dataIds(s, 'acme')).toEqual(['p-1']);
    expect(s.commandCounters).toMatchObject({ rejected: 1, executed: 1 });
  }, 60_000);

  it('answers commands replayed after a restart from its SQLite dedupe records, with identical receipts', async () => {
    let s = await startStore();
    await seed(s, [dataCreated('acme', 'p-1', { subjectId: 'alice' })], 1);
    await send(
      deletionCommand({
        commandId: 'c-1',
        tenantId: 'acme',
        target: { kind: 'subject', subjectId: 'alice', categories: ['personal'] },
      }),
    );
    const [first] = await receipts(1);
    await s.stop();

    // A new consumer group reads every command again, as after a crash before the commit.
    s = await startStore(`${prefix}regional-store-eu-again`);
    const [, again] = await receipts(2);
    expect(again).toEqual(first);
    expect(s.commandCounters).toMatchObject({ executed: 0, repeated: 1 });
  }, 60_000);

  /** Reads the process's SQLite file from outside (WAL allows a concurrent reader). */
  function storedIds(dbPath: string): string[] {
    if (!fs.existsSync(dbPath)) return [];
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], string>('SELECT data_id FROM data_items ORDER BY data_id').pluck().all();
    } catch {
      return []; // schema not created yet
    } finally {
      db.close();
    }
  }

  describe('as a separate process (dist/apps/regional-store/src/main.js)', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child && child.exitCode === null) child.kill('SIGKILL');
    });

    it('stores, deletes, answers, and stops cleanly on SIGTERM', async () => {
      if (!fs.existsSync(STORE_MAIN)) throw new Error(`${STORE_MAIN} is missing: run "npm run build" first`);
      let stderr = '';
      child = spawn(process.execPath, [STORE_MAIN], {
        cwd: dir,
        env: {
          ...process.env,
          KAFKA_BROKERS: testBrokers().join(','),
          REGION: 'eu',
          STORE_DB: path.join(dir, 'process.db'),
          TOPIC_PREFIX: prefix,
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.on('data', (d) => (stderr += d));
      await produce(kafka, topics.lifecycle('data-created'), [
        dataCreated('acme', 'p-1', { subjectId: 'alice' }),
        dataCreated('acme', 'log-1', { subjectId: 'alice', category: 'audit-log' }),
      ]);
      const dbPath = path.join(dir, 'process.db');
      await waitFor(
        () => storedIds(dbPath).length,
        (n) => n === 2,
        30_000,
        'the process to store 2 rows',
      );
      await send(
        deletionCommand({
          commandId: 'c-proc',
          tenantId: 'acme',
          target: { kind: 'subject', subjectId: 'alice', categories: ['personal'] },
        }),
      );
      const [receipt] = await receipts(1);
      expect(receipt).toMatchObject({ commandId: 'c-proc', status: 'completed', deletedCount: 1 });
      expect(storedIds(dbPath)).toEqual(['log-1']);

      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      const lines = stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string });
      expect(lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['regional store running', 'regional store stopped']),
      );
      expect(stderr).not.toContain('alice');
    }, 60_000);
  });
});
