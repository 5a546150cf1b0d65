import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POLICY_STREAM } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { DEFAULT_POLICY, type Policy } from '@app/retention';
import { EntryBuilder } from '@app/retention/testing';
import { runCli } from './support/cli-process';

const e = new EntryBuilder('acme', new Date(Date.now() - 40 * 86_400_000).toISOString());

/** The audit log under a preservation lock. */
const LOCKED: Policy = {
  ...DEFAULT_POLICY,
  version: 'locked-1',
  rules: { ...DEFAULT_POLICY.rules, 'audit-log': { ...DEFAULT_POLICY.rules['audit-log'], locked: true } },
};

const yaml = (version: string, auditAge: string, personalDeadline = 'P30D') => `
version: ${version}
categories: [personal, audit-log]
rules:
  personal:
    onDataDeletion:    { action: purge, after: PT0S, deadline: ${personalDeadline} }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubscriptionEnd: { action: purge, expired: P30D, disabled: P90D, deadline: P180D }
  audit-log:
    locked: true
    onDataDeletion:    { action: keep }
    onSubjectDeletion: { action: keep }
    onSubscriptionEnd: { action: keep }
    maxAge:            { age: ${auditAge}, grace: P30D }
`;

/** The CLI's governance and operator commands against a real SQLite ledger. */
describe('CLI: unknown tenants, policy diff, the preservation lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ops-cli-'));
  const env = {
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'rm.db')}`,
    LOG_LEVEL: 'silent',
  };
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    const ledger = await openLedger(env.LEDGER_URL);
    await ledger.appendBatch([
      {
        ...e.policyActivated({ eventId: 'policy:locked-1', policy: LOCKED, at: 0 }),
        tenantId: POLICY_STREAM,
      },
      e.dataCreated({ dataId: 'd1', at: 1 }),
      e.dataDeleted({ dataId: 'd1', at: 2 }),
      e.dataCreated({ dataId: 'log-1', category: 'audit-log', at: 1 }),
    ]);
    await ledger.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([['obligations'], ['audit']])(
    '%s of a tenant the ledger never saw: exit 2, naming it',
    async (command) => {
      const res = await runCli([command, '--tenant', 'acmee'], env);
      expect({ code: res.code, stderr: res.stderr.trim(), stdout: res.stdout }).toEqual({
        code: 2,
        stderr: 'retention-ledger: the ledger has no entries for tenant acmee',
        stdout: '',
      });
    },
  );

  it('obligations shows the time left to each deadline', async () => {
    const res = await runCli(['obligations', '--tenant', 'acme'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/left/);
    expect(res.stdout).toMatch(/max-age .* in 3\d\d d/);
    expect(res.stdout).toMatch(/data-deleted .* overdue 8 d/);
  });

  it('an operator action without --actor is a usage error', async () => {
    const res = await runCli(['obligations', 'retry', '--tenant', 'acme', '--reason', 'x'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--actor/);
  });

  it('a refused operator action: exit 2 with the reason', async () => {
    const list = JSON.parse(
      (await runCli(['obligations', '--tenant', 'acme', '--json'], env)).stdout,
    ) as Array<{
      obligationId: string;
      reason: string;
    }>;
    const id = list.find((o) => o.reason === 'data-deleted')!.obligationId;
    const res = await runCli(
      ['obligations', 'retry', '--tenant', 'acme', '--obligation', id, '--actor', 'ops', '--reason', 'x'],
      env,
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`obligation ${id} is scheduled, not failed: nothing to retry`);
  });

  it('policy diff lists what a candidate would move, without activating it', async () => {
    const before = await runCli(['replay', '--tenant', POLICY_STREAM], env);
    const res = await runCli(
      ['policy', 'diff', file('shorter.yaml', yaml('shorter-1', 'P730D', 'P7D')), '--json'],
      env,
    );
    expect(res.code).toBe(0);
    const diff = JSON.parse(res.stdout);
    expect(diff).toMatchObject({
      candidate: { version: 'shorter-1' },
      current: { version: 'locked-1' },
      counts: { added: 0, removed: 0, moved: 2 },
      refusals: [],
    });
    expect(diff.changes).toContainEqual(
      expect.objectContaining({
        change: 'moved',
        reason: 'data-deleted',
        deadline: { from: e.day(32), to: e.day(9) },
      }),
    );
    expect((await runCli(['replay', '--tenant', POLICY_STREAM], env)).stdout).toBe(before.stdout);
  });

  it('policy diff of a candidate that weakens a locked category: exit 1, the refusal named', async () => {
    const res = await runCli(['policy', 'diff', file('weaker.yaml', yaml('weaker-1', 'P90D'))], env);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('activation would be REFUSED');
    expect(res.stdout).toContain(
      'category "audit-log" is locked: maxAge.age would shorten from P365D to P90D',
    );
  });

  it('activating it at start-up is refused (exit 2), naming the category; the ledger keeps the old policy', async () => {
    const res = await runCli(['run', '--only', 'projector'], {
      ...env,
      RETENTION_POLICY: path.join(dir, 'weaker.yaml'),
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/activation refused/);
    expect(res.stderr).toContain('category "audit-log" is locked');
    const stream = (await runCli(['replay', '--tenant', POLICY_STREAM], env)).stdout.trim().split('\n');
    expect(stream.map((l) => JSON.parse(l).data.version)).toEqual(['locked-1']);
  });

  it("a region's rules for a region the deployment does not have stop start-up, naming it", async () => {
    const typo = file(
      'typo.yaml',
      yaml('regional-1', 'P365D') +
        'regions:\n  euu:\n    personal:\n      onDataDeletion: { action: purge, after: PT0S, deadline: P7D }\n',
    );
    const res = await runCli(['run', '--only', 'projector'], {
      ...env,
      REGIONS: 'eu,us',
      RETENTION_POLICY: typo,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('regions.euu: unknown region "euu" (REGIONS: eu, us)');
  });
});
