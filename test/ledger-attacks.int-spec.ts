import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewEntry, POLICY_STREAM } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { DEFAULT_POLICY } from '@app/retention';
import { activatePolicy } from '../apps/cli/src/policy';
import { runCli } from './support/cli-process';
import { rawPostgres, rawSqlite, rechain, sqliteLedgerFile, type RawLedger } from './support/raw-ledger';

/**
 * The attacks of issue 9, as someone with SQL access to the ledger would run them, each
 * caught by `verify` (rows no head covers) or `verify --checkpoint` (a consistent
 * change only a copy kept elsewhere can expose), naming tenant and position. SQLite and
 * PostgreSQL have their own verify and readers, so both are attacked.
 */

const AT = '2026-03-01T00:00:00.000Z';

function story(): NewEntry[] {
  const common = { occurredAt: AT, source: null };
  return [
    {
      ...common,
      eventId: 'acme-1',
      tenantId: 'acme',
      type: 'DataCreated',
      data: { dataId: 'd-1', category: 'personal', region: 'eu', store: 'crm' },
      subject: { subjectId: 'alice' },
    },
    {
      ...common,
      eventId: 'acme-2',
      tenantId: 'acme',
      type: 'UserDeleted',
      data: { deletedBy: 'admin' },
      subject: { subjectId: 'alice' },
    },
    {
      ...common,
      eventId: 'globex-1',
      tenantId: 'globex',
      type: 'DataCreated',
      data: { dataId: 'g-1', category: 'personal', region: 'us', store: 'crm' },
      subject: { subjectId: 'bob' },
    },
  ];
}

interface Backend {
  name: string;
  open(dir: string): Promise<RawLedger>;
}

const BACKENDS: Backend[] = [
  { name: 'SQLite', open: async (dir) => rawSqlite(sqliteLedgerFile(dir)) },
  { name: 'PostgreSQL', open: () => rawPostgres() },
];

// Each test runs the CLI a few times (about half a second each on a quiet machine).
jest.setTimeout(60_000);

describe.each(BACKENDS)('$name ledger under attack', (backend) => {
  let dir: string;
  let raw: RawLedger;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-attack-'));
    // The raw session first: it names the ledger (a file, or a schema of its own).
    raw = await backend.open(dir);
    const ledger = await openLedger(raw.url);
    await ledger.appendBatch(story(), new Date(AT));
    await activatePolicy(ledger, DEFAULT_POLICY, new Date(AT));
    await ledger.close();
    env = {
      LEDGER_URL: raw.url,
      CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
      READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    };
  });
  afterEach(async () => {
    await raw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const statuses = async () => {
    const run = await runCli(['obligations', '--tenant', 'acme', '--json'], env);
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as Array<{ status: string }>).map((o) => o.status);
  };

  it('a forged tenant-wide legal hold INSERTed past the head: verify fails there, and no reader sees the hold', async () => {
    expect(await statuses()).toEqual(['scheduled']);
    const [, last] = await raw.rows('acme');
    await raw.insert({
      ...last,
      streamPosition: 3,
      eventId: 'forged-hold',
      type: 'LegalHoldPlaced',
      dataJson: '{"holdId":"forged"}',
      subjectJson: null,
      subjectDigest: null,
      prevHash: last.hash,
      hash: 'f'.repeat(64),
    });

    // Independent runs of the CLI, side by side.
    const [verify, one, after, replay, all] = await Promise.all([
      runCli(['verify'], env),
      runCli(['verify', '--tenant', 'acme'], env),
      statuses(),
      runCli(['replay', '--tenant', 'acme'], env),
      runCli(['replay'], env),
    ]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^broken: tenant acme position 3: .*past the stream head/);
    expect(one.code).toBe(1);
    expect(after).toEqual(['scheduled']);
    expect(replay.stdout).not.toContain('forged-hold');
    expect(all.stdout).not.toContain('forged-hold');
  });

  it('a stream with rows and no head row is a break, not skipped', async () => {
    await raw.dropHead('globex');
    const [verify, one] = await Promise.all([
      runCli(['verify'], env),
      runCli(['verify', '--tenant', 'globex'], env),
    ]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^broken: tenant globex position 1: .*no stream head/);
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/^broken: tenant globex position 1: /);
  });

  it('a truncated tail with a rewound head passes verify, and fails verify --checkpoint naming the cut position', async () => {
    const cp = path.join(dir, 'cp.json');
    expect((await runCli(['checkpoint', '--out', cp], env)).code).toBe(0);
    await raw.truncate('acme', 2);
    const [plain, checked] = await Promise.all([
      runCli(['verify'], env),
      runCli(['verify', '--checkpoint', cp], env),
    ]);
    expect(plain.code).toBe(0);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/^broken: tenant acme position 2: /);
  });

  it('a consistent rewrite of one stream with fresh hashes fails verify --checkpoint', async () => {
    const cp = path.join(dir, 'cp.json');
    expect((await runCli(['checkpoint', '--out', cp], env)).code).toBe(0);
    const rows = await raw.rows('acme');
    await raw.rewrite(
      'acme',
      rechain(rows, (r) => (r.streamPosition === 1 ? { ...r, occurredAt: '2026-02-01T00:00:00.000Z' } : r)),
    );
    const [plain, checked, exported, signed] = await Promise.all([
      runCli(['verify'], env),
      runCli(['verify', '--checkpoint', cp], env),
      // The operator's own tools refuse too: no bundle of, and no new checkpoint over, the rewrite.
      runCli(['export', '--tenant', 'acme', '--out', path.join(dir, 'bundle')], env),
      runCli(['checkpoint'], env),
    ]);
    expect(plain.code).toBe(0);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/^broken: tenant acme position 2: .*checkpoint/);
    expect({ code: exported.code, out: exported.stdout }).toEqual({ code: 1, out: checked.stdout });
    expect({ code: signed.code, out: signed.stdout }).toEqual({ code: 1, out: checked.stdout });
  });

  it('a rewritten $policy stream fails verify --checkpoint', async () => {
    const cp = path.join(dir, 'cp.json');
    expect((await runCli(['checkpoint', '--out', cp], env)).code).toBe(0);
    const rows = await raw.rows(POLICY_STREAM);
    await raw.rewrite(
      POLICY_STREAM,
      rechain(rows, (r) => ({ ...r, dataJson: r.dataJson.replace('"P30D"', '"P3000D"') })),
    );
    expect((await raw.rows(POLICY_STREAM))[0].dataJson).toContain('P3000D');
    const [plain, checked] = await Promise.all([
      runCli(['verify'], env),
      runCli(['verify', '--checkpoint', cp], env),
    ]);
    expect(plain.code).toBe(0);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/^broken: tenant \$policy position 1: .*checkpoint/);
  });
});
