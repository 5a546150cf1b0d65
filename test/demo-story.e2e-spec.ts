import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ChildProcess } from 'node:child_process';
import { TopicNames } from '@app/contracts';
import { openReadModel } from '@app/read-model';
import { DEMO_POLICY_YAML } from '../apps/cli/src/demo/demo-policy';
import { DEMO_TENANTS, demoStory } from '../apps/cli/src/demo/story';
import { ensureTopics, randomPrefix, testKafka, waitFor } from './support/kafka';
import { exited, ROOT, runCli, startCli, testEnv } from './support/cli-process';
import { spawn } from 'node:child_process';

/**
 * DESIGN.md's story across separate processes on the real broker: `retention-ledger run`
 * (ingest, projector, dispatcher) and two reference regional stores (eu, us), each its
 * own process, with the demo's compressed policy.
 */
describe('the demo story across processes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-story-'));
  const prefix = randomPrefix();
  const env = testEnv(dir, prefix, {
    policy: DEMO_POLICY_YAML,
    extra: { DISPATCH_INTERVAL: 'PT0.2S', DISPATCH_RETRY_BACKOFF: 'PT1S' },
  });
  const processes: ChildProcess[] = [];
  const storeDb = (region: string) => path.join(dir, `store-${region}.db`);

  function startStore(region: string): ChildProcess {
    const out = fs.openSync(path.join(dir, `store-${region}.log`), 'a');
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/regional-store/src/main.js')], {
      env: { ...process.env, ...env, REGION: region, STORE_DB: storeDb(region) },
      stdio: ['ignore', out, out],
    });
    processes.push(child);
    return child;
  }

  function rows(region: string): Array<{ tenant_id: string; data_id: string; category: string }> {
    if (!fs.existsSync(storeDb(region))) return [];
    const db = new Database(storeDb(region), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT tenant_id, data_id, category FROM data_items').all() as Array<{
        tenant_id: string;
        data_id: string;
        category: string;
      }>;
    } finally {
      db.close();
    }
  }
  const has = (r: { region: string; tenantId: string; dataId: string }) =>
    rows(r.region).some((x) => x.tenant_id === r.tenantId && x.data_id === r.dataId);

  afterAll(async () => {
    for (const p of processes) p.kill('SIGTERM');
    await Promise.all(processes.map(exited));
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('purges what was promised, only in its region, keeps audit logs, holds and reactivations', async () => {
    const kafka = testKafka();
    const topics = new TopicNames(prefix, ['eu', 'us']);
    await ensureTopics(kafka, topics.allTopics());
    const ledgerProcess = startCli(
      ['run', '--only', 'ingest,projector,dispatcher'],
      env,
      path.join(dir, 'run.log'),
    );
    processes.push(ledgerProcess);
    startStore('eu');
    startStore('us');

    // Everything that crosses a region boundary would show up here.
    const seen: Array<{ topic: string; region: string; kind: 'command' | 'receipt'; tenantId: string }> = [];
    const watcher = kafka.consumer({ groupId: `${prefix}watcher` });
    await watcher.connect();
    await watcher.subscribe({
      topics: ['eu', 'us'].flatMap((r) => [topics.commands(r), topics.receipts(r)]),
      fromBeginning: true,
    });
    await watcher.run({
      eachMessage: async ({ topic, message }) => {
        const v = JSON.parse(message.value!.toString());
        seen.push({
          topic,
          region: v.region,
          kind: topic.includes('commands') ? 'command' : 'receipt',
          tenantId: v.tenantId,
        });
      },
    });

    const { events, expect: story } = demoStory(`e2e${prefix}`);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // Give the run process a moment to record the policy before the first fact occurs.
    await waitFor(() => fs.existsSync(path.join(dir, 'ledger.db')), Boolean, 30_000, 'the ledger file');
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    let heldBeforeRelease: boolean | undefined;
    let bobAuditAfterPurge: boolean | undefined;
    for (const ev of events) {
      const wait = started + ev.atMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (heldBeforeRelease === undefined && ev.atMs >= story.releaseAtMs) {
        heldBeforeRelease = story.heldUntilRelease.every(has);
        // By now bob's purge (at +3 s, deadline 3 s) is done; his audit log must survive it.
        bobAuditAfterPurge =
          !has({ region: 'eu', tenantId: 'acme', dataId: 'acme-bob-profile' }) &&
          has({ region: 'eu', tenantId: 'acme', dataId: 'acme-bob-login-log' });
      }
      await producer.send({
        topic: topics.lifecycle(ev.topic),
        acks: -1,
        messages: [
          {
            key: String(ev.value.tenantId),
            value: JSON.stringify({ ...ev.value, occurredAt: new Date().toISOString() }),
          },
        ],
      });
    }
    await producer.disconnect();

    const readModel = await openReadModel(env.READ_MODEL_URL!);
    try {
      await waitFor(
        async () => (await Promise.all(DEMO_TENANTS.map((t) => readModel.obligations(t)))).flat(),
        (all) => all.length > 0 && all.every((o) => o.status === 'confirmed' || o.status === 'cancelled'),
        100_000,
        'every obligation confirmed or cancelled',
      );
    } finally {
      await readModel.close();
    }
    await watcher.disconnect();

    expect(heldBeforeRelease).toBe(true);
    expect(bobAuditAfterPurge).toBe(true);
    for (const r of story.purged) expect({ ...r, stored: has(r) }).toEqual({ ...r, stored: false });
    for (const r of story.kept) expect({ ...r, stored: has(r) }).toEqual({ ...r, stored: true });

    // Residency: every command and receipt stayed on its own region's topics.
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      const expected = s.kind === 'command' ? topics.commands(s.region) : topics.receipts(s.region);
      expect({ topic: s.topic, tenant: s.tenantId }).toEqual({ topic: expected, tenant: s.tenantId });
    }
    expect(seen.filter((s) => s.tenantId === 'acme').every((s) => s.region === 'eu')).toBe(true);
    expect(seen.filter((s) => s.tenantId !== 'acme').every((s) => s.region === 'us')).toBe(true);

    for (const tenantId of DEMO_TENANTS) {
      const audit = await runCli(['audit', '--tenant', tenantId, '--format', 'json'], env);
      expect(audit.code).toBe(0);
      const report = JSON.parse(audit.stdout);
      expect({
        tenantId,
        breached: report.summary.breached,
        pending: report.summary.pending,
        held: report.summary.held,
      }).toEqual({
        tenantId,
        breached: 0,
        pending: 0,
        held: 0,
      });
      if (tenantId === 'initech') {
        expect(
          report.obligations
            .filter((o: { reason: string }) => o.reason === 'subscription-ended')
            .map((o: { verdict: string }) => o.verdict),
        ).toEqual(expect.arrayContaining(['cancelled']));
      }
    }
    const verify = await runCli(['verify'], env);
    expect(verify.stdout).toMatch(/^ok: \d+ entries in 4 streams/);
    expect(verify.code).toBe(0);
    ledgerProcess.kill('SIGTERM');
    expect(await exited(ledgerProcess)).toBe(0);

    // Policy governance on the demo's own ledger: preview a change, and the preservation lock.
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const faster = write(
      'faster.yaml',
      DEMO_POLICY_YAML.replace('demo-compressed-1', 'demo-compressed-2').replace(
        'deadline: PT3S }',
        'deadline: PT2S }',
      ),
    );
    const diff = await runCli(['policy', 'diff', faster, '--json'], env);
    expect(diff.code).toBe(0);
    const preview = JSON.parse(diff.stdout);
    expect(preview).toMatchObject({ current: { version: 'demo-compressed-1' }, tenants: 3, refusals: [] });
    expect(preview.counts.moved).toBeGreaterThan(0);
    expect(preview.changes).toContainEqual(
      expect.objectContaining({
        change: 'moved',
        tenantId: 'acme',
        reason: 'data-deleted',
        deadline: expect.anything(),
      }),
    );
    const weaker = write('weaker.yaml', DEMO_POLICY_YAML.replace('age: PT36.5S', 'age: PT10S'));
    const refused = await runCli(['policy', 'diff', weaker], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('category "audit-log" is locked: maxAge.age would shorten');
    const start = await runCli(['run', '--only', 'projector'], { ...env, RETENTION_POLICY: weaker });
    expect(start.code).toBe(2);
    expect(start.stderr).toContain('category "audit-log" is locked');
  }, 180_000);
});
