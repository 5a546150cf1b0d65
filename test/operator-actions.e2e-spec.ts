import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChildProcess } from 'node:child_process';
import { TopicNames } from '@app/contracts';
import { ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';
import { exited, runCli, startCli, testEnv } from './support/cli-process';
import { zeroDelayPolicyYaml } from './support/policies';

const TENANT = 'ops-acme';
const POLICY = zeroDelayPolicyYaml('ops-1');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

interface Row {
  obligationId: string;
  status: string;
  verdict: string;
  dataId?: string;
  target: { dataId?: string };
  deadline: string;
  originalDeadline?: string;
  resolution?: { status: string; actor: string; reason: string };
  operations?: Array<{ kind: string; actor: string; reason: string; until?: string }>;
}

/**
 * An operator's week: a store fails every first attempt; one obligation is closed by hand
 * through the operator API, one gets a deadline extension through the CLI, then a bulk
 * retry of what still failed, which the store confirms. Every action is a ledger fact
 * with actor and reason, in the audit report, and the chain still verifies.
 */
describe('operator actions: bulk retry, resolve by hand, extend — on the record', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ops-'));
  const prefix = randomPrefix();
  let env: NodeJS.ProcessEnv;
  let run: ChildProcess | undefined;
  const stopStore: Array<() => Promise<void>> = [];

  afterAll(async () => {
    for (const stop of stopStore) await stop();
    if (run) {
      run.kill('SIGTERM');
      await exited(run);
    }
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('each action is visible in the audit with actor and reason, the retried ones confirmed, verify ok', async () => {
    const port = await freePort();
    env = testEnv(dir, prefix, {
      policy: POLICY,
      regions: ['eu'],
      extra: {
        DISPATCH_INTERVAL: 'PT0.1S',
        DISPATCH_MAX_ATTEMPTS: '1',
        API_PORT: String(port),
        LOG_LEVEL: 'info',
      },
    });
    const kafka = testKafka();
    const topics = new TopicNames(prefix, ['eu']);
    await ensureTopics(kafka, topics.allTopics());

    const created = await runCli(['keys', 'create', '--role', 'operator'], env);
    expect(created.code).toBe(0);
    const key = created.stdout.trimEnd().split('\n').pop()!.split(' ').pop()!;
    const keyId = /created key (k_[0-9a-f]{12})/.exec(created.stdout)![1];

    run = startCli(['run'], env, path.join(dir, 'run.log'));

    // A regional store that fails the first command of each obligation and completes the next.
    const seen = new Set<string>();
    const store = kafka.consumer({ groupId: `${prefix}fake-store` });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([store.connect(), producer.connect()]);
    stopStore.push(async () => {
      await store.disconnect();
      await producer.disconnect();
    });
    await store.subscribe({ topic: topics.commands('eu'), fromBeginning: true });
    void store.run({
      eachMessage: async ({ message }) => {
        const command = JSON.parse(message.value!.toString()) as {
          commandId: string;
          obligationId: string;
          store: string;
        };
        const first = !seen.has(command.obligationId);
        seen.add(command.obligationId);
        const receipt = {
          commandId: command.commandId,
          tenantId: TENANT,
          region: 'eu',
          store: command.store,
          status: first ? 'failed' : 'completed',
          completedAt: new Date().toISOString(),
          ...(first ? { error: 'disk full' } : { deletedCount: 1 }),
        };
        await producer.send({
          topic: topics.receipts('eu'),
          acks: -1,
          messages: [{ key: TENANT, value: JSON.stringify(receipt) }],
        });
      },
    });

    const t0 = Date.now() - 60_000;
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const items = ['inv-1', 'inv-2', 'inv-3'];
    await produce(
      kafka,
      topics.lifecycle('data-created'),
      items.map((dataId, i) => ({
        key: TENANT,
        value: JSON.stringify({
          eventId: `c-${dataId}`,
          tenantId: TENANT,
          occurredAt: at(i),
          dataId,
          category: 'personal',
          region: 'eu',
          store: 'billing',
        }),
      })),
    );
    await produce(
      kafka,
      topics.lifecycle('data-deleted'),
      items.map((dataId, i) => ({
        key: TENANT,
        value: JSON.stringify({
          eventId: `d-${dataId}`,
          tenantId: TENANT,
          occurredAt: at(1000 + i),
          dataId,
          deletedBy: 'user',
        }),
      })),
    );

    const obligations = async () => {
      const res = await runCli(['obligations', '--tenant', TENANT, '--json'], env);
      return res.code === 0 ? (JSON.parse(res.stdout) as Array<Row & { timeToDeadlineMs?: number }>) : [];
    };
    const failed = await waitFor(
      obligations,
      (l) => l.length === 3 && l.every((o) => o.status === 'failed'),
      60_000,
      'three failed obligations',
    );
    expect(failed.every((o) => typeof o.timeToDeadlineMs === 'number' && o.timeToDeadlineMs > 0)).toBe(true);
    const idOf = (dataId: string) => failed.find((o) => o.target.dataId === dataId)!.obligationId;
    const [byHand, extended, retried] = items.map(idOf);

    // 1. Done by hand, through the operator API: the key's id is the actor.
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status,
          () => 0,
        ),
      (s) => s !== 0,
      30_000,
      'the API',
    );
    const resolved = await fetch(
      `http://127.0.0.1:${port}/v1/tenants/${TENANT}/obligations/${byHand}/resolve`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          status: 'done-manually',
          reason: 'DBA purged the rows by hand (ticket OPS-12)',
        }),
      },
    );
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({ action: 'resolve', actor: keyId, obligationIds: [byHand] });

    // 2. A deadline extension, through the CLI.
    const until = new Date(
      Date.parse(failed.find((o) => o.obligationId === extended)!.deadline) + 10 * 86_400_000,
    ).toISOString();
    const extend = await runCli(
      [
        'obligations',
        'extend',
        '--tenant',
        TENANT,
        '--obligation',
        extended,
        '--until',
        until,
        '--actor',
        'alice@ops',
        '--reason',
        'vendor outage, DPO approved',
      ],
      env,
    );
    expect(extend.code).toBe(0);

    // 3. A bulk retry of what still failed: two obligations.
    const retry = await runCli(
      [
        'obligations',
        'retry',
        '--tenant',
        TENANT,
        '--actor',
        'alice@ops',
        '--reason',
        'disk replaced',
        '--json',
      ],
      env,
    );
    expect(retry.code).toBe(0);
    expect((JSON.parse(retry.stdout) as { obligationIds: string[] }).obligationIds.sort()).toEqual(
      [extended, retried].sort(),
    );

    // The dispatcher issues the second attempts; the store confirms them.
    await waitFor(
      obligations,
      (l) => l.filter((o) => o.status === 'confirmed').length === 2 && l.some((o) => o.status === 'resolved'),
      60_000,
      'two confirmed, one resolved',
    );

    const audit = await runCli(['audit', '--tenant', TENANT, '--format', 'json'], env);
    expect(audit.code).toBe(0);
    const report = JSON.parse(audit.stdout) as { summary: Record<string, number>; obligations: Row[] };
    const row = (id: string) => report.obligations.find((o) => o.obligationId === id)!;
    expect(report.summary).toMatchObject({ met: 2, 'done-manually': 1, breached: 0, total: 3 });
    expect(row(byHand)).toMatchObject({
      verdict: 'done-manually',
      resolution: {
        status: 'done-manually',
        actor: keyId,
        reason: 'DBA purged the rows by hand (ticket OPS-12)',
      },
    });
    expect(row(extended)).toMatchObject({
      verdict: 'met',
      deadline: until,
      originalDeadline: failed.find((o) => o.obligationId === extended)!.deadline,
      operations: [
        { kind: 'extend', actor: 'alice@ops', reason: 'vendor outage, DPO approved', until },
        { kind: 'retry', actor: 'alice@ops', reason: 'disk replaced' },
      ],
    });
    expect(row(retried)).toMatchObject({
      verdict: 'met',
      operations: [{ kind: 'retry', actor: 'alice@ops', reason: 'disk replaced' }],
    });

    // The timeline of the HTML report shows them too.
    const html = await runCli(['audit', '--tenant', TENANT, '--format', 'html'], env);
    expect(html.stdout).toContain('data-action="retry"');
    expect(html.stdout).toContain('data-action="extend"');
    expect(html.stdout).toContain('DBA purged the rows by hand (ticket OPS-12)');

    const verify = await runCli(['verify'], env);
    expect({ code: verify.code, stdout: verify.stdout }).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^ok: /),
    });
  }, 150_000);
});
