import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewEntry, TopicNames } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { consumeAll, ensureTopics, randomPrefix, testKafka, waitFor } from './support/kafka';
import { exited, startCli, testEnv } from './support/cli-process';
import { ZERO_DELAY_POLICY } from './support/policies';

const OBLIGATIONS = 600;
const REGIONS = ['eu', 'us'];

function facts(now: Date): NewEntry[] {
  const out: NewEntry[] = [];
  const t0 = now.getTime() - 60_000;
  for (let i = 0; i < OBLIGATIONS; i++) {
    const tenantId = `crash-${i % 12}`;
    const region = REGIONS[i % 2];
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    out.push({
      eventId: `created-${i}`,
      tenantId,
      type: 'DataCreated',
      occurredAt: at(i),
      data: { dataId: `d-${i}`, category: 'personal', region, store: 'main' },
      subject: null,
      source: null,
    });
    out.push({
      eventId: `deleted-${i}`,
      tenantId,
      type: 'DataDeleted',
      occurredAt: at(10_000 + i),
      data: { dataId: `d-${i}`, deletedBy: 'user' },
      subject: null,
      source: null,
    });
  }
  return out;
}

describe('dispatcher killed between the ledger append and the publish, and at random points', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-dispatch-crash-'));
  const prefix = randomPrefix();
  const env = testEnv(dir, prefix, {
    policy: ZERO_DELAY_POLICY,
    regions: REGIONS,
    extra: { DISPATCH_INTERVAL: 'PT0.1S' },
  });
  const log = path.join(dir, 'dispatcher.log');

  afterAll(() => {
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves exactly one DeletionCommandIssued per obligation, and every command reaches its region', async () => {
    const kafka = testKafka();
    const topics = new TopicNames(prefix, REGIONS);
    await ensureTopics(kafka, topics.allTopics());
    const policyRecorded = startCli(['run', '--only', 'projector'], env, log);
    await waitFor(() => fs.existsSync(path.join(dir, 'ledger.db')), Boolean, 30_000, 'the ledger');
    await new Promise((r) => setTimeout(r, 1500));
    policyRecorded.kill('SIGTERM');
    await exited(policyRecorded);
    {
      const ledger = await openLedger(env.LEDGER_URL!);
      await ledger.appendBatch(facts(new Date()));
      await ledger.close();
    }

    const issuedPerObligation = async () => {
      const ledger = await openLedger(env.LEDGER_URL!);
      const per = new Map<string, number>();
      const commands = new Map<string, string>();
      try {
        let after: string | undefined;
        for (;;) {
          const page = await ledger.readAll(after, 5000);
          for (const e of page.entries) {
            if (e.type !== 'DeletionCommandIssued') continue;
            const d = e.data as { obligationId: string; commandId: string; region: string };
            per.set(d.obligationId, (per.get(d.obligationId) ?? 0) + 1);
            commands.set(d.commandId, d.region);
          }
          if (page.entries.length === 0) break;
          after = page.last;
        }
      } finally {
        await ledger.close();
      }
      return { per, commands };
    };

    // 1. Killed right after its first append, before anything is published.
    const first = startCli(
      ['run', '--only', 'projector,dispatcher'],
      { ...env, RL_FAILPOINT: 'dispatcher-after-append' },
      log,
    );
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');
    const afterFailpoint = await issuedPerObligation();
    expect(afterFailpoint.per.size).toBeGreaterThan(0);

    // 2. Killed at random points, several times.
    for (let i = 0; i < 4; i++) {
      const child = startCli(['run', '--only', 'projector,dispatcher'], env, log);
      await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 2500)));
      child.kill('SIGKILL');
      await exited(child);
    }

    // 3. Left to finish.
    const last = startCli(['run', '--only', 'projector,dispatcher'], env, log);
    const done = await waitFor(
      issuedPerObligation,
      (r) => r.per.size >= OBLIGATIONS,
      90_000,
      'every obligation issued',
    );
    // Whatever was issued but unpublished is published on start; give it time to drain.
    await new Promise((r) => setTimeout(r, 3000));
    last.kill('SIGTERM');
    await exited(last);

    expect(done.per.size).toBe(OBLIGATIONS);
    expect([...done.per.values()].every((n) => n === 1)).toBe(true);

    const byRegion = new Map<string, Set<string>>();
    for (const region of REGIONS) {
      const expected = [...done.commands.values()].filter((r) => r === region).length;
      const records = await consumeAll(kafka, topics.commands(region), expected, 60_000);
      const values = records.map((r) => JSON.parse(r.value) as { commandId: string; region: string });
      expect(values.every((v) => v.region === region)).toBe(true);
      byRegion.set(region, new Set(values.map((v) => v.commandId)));
    }
    for (const [commandId, region] of done.commands) {
      expect({ commandId, reached: byRegion.get(region)!.has(commandId) }).toEqual({
        commandId,
        reached: true,
      });
    }
  }, 240_000);
});
