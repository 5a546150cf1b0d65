import { execFile } from 'node:child_process';
import { createHash, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewEntry } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { readSigningKey } from '@app/proof';
import { subjectSealer } from '@app/pipeline';
import { DEFAULT_POLICY } from '@app/retention';
import { openSubjectKeyStore } from '@app/subject-keys';
import { activatePolicy } from '../apps/cli/src/policy';
import { ROOT, runCli } from './support/cli-process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureTool } = require('../deploy/tools/ensure-debian-tool.js') as {
  ensureTool: (binary: string, pkg: string) => string;
};

const VERIFIER = path.join(ROOT, 'tools', 'verify-bundle', 'VerifyBundle.java');

/** `java VerifyBundle.java DIR`: the independent verifier, from its source, no build. */
function javaVerify(java: string, dir: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(java, [VERIFIER, dir], { timeout: 60_000 }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout }),
    );
  });
}

function story(): NewEntry[] {
  const at = (d: number) => new Date(Date.UTC(2026, 2, d)).toISOString();
  const entries: NewEntry[] = [];
  for (let i = 0; i < 6; i++) {
    entries.push({
      eventId: `acme-data-${i}`,
      tenantId: 'acme',
      type: 'DataCreated',
      occurredAt: at(1 + i),
      data: { dataId: `d-${i}`, category: i % 2 ? 'audit-log' : 'personal', region: 'eu', store: 'crm' },
      subject: { subjectId: `user-${i % 3}` },
      source: { topic: 'data-created', partition: 0, offset: String(i) },
    });
  }
  entries.push(
    {
      eventId: 'acme-user-deleted',
      tenantId: 'acme',
      type: 'UserDeleted',
      occurredAt: at(10),
      data: { deletedBy: 'admin' },
      subject: { subjectId: 'user-1' },
      source: null,
    },
    {
      eventId: 'acme-hold',
      tenantId: 'acme',
      type: 'LegalHoldPlaced',
      occurredAt: at(11),
      data: { holdId: 'h-1' },
      subject: { subjectId: 'user-2' },
      source: null,
    },
    {
      eventId: 'globex-1',
      tenantId: 'globex',
      type: 'SubscriptionEnded',
      occurredAt: at(3),
      data: {},
      subject: null,
      source: null,
    },
  );
  return entries;
}

/** Changes the first occurrence of `from` in `file` to `to` (same length: one changed byte). */
function changeByte(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`${from} not found in ${file}`);
  expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
  fs.writeFileSync(file, text.slice(0, at) + to + text.slice(at + from.length));
}

/** The next hex digit: a one-byte change that stays lowercase hex. */
const nextHex = (c: string) => '0123456789abcdef'[('0123456789abcdef'.indexOf(c) + 1) % 16];

// Each test runs the CLI a few times (about half a second each on a quiet machine).
jest.setTimeout(60_000);

describe('evidence bundles: export, verify-bundle and the independent Java verifier', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bundle-'));
  const env = {
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
  };
  const bundle = path.join(dir, 'bundle');
  let java: string;

  beforeAll(async () => {
    java = ensureTool('java', 'openjdk-17-jdk-headless');
    const ledger = await openLedger(env.LEDGER_URL);
    await ledger.appendBatch(story(), new Date('2026-03-20T00:00:00Z'));
    await activatePolicy(ledger, DEFAULT_POLICY, new Date('2026-03-01T00:00:00Z'));
    // Recorded later: what an --as-of before it must leave out.
    await ledger.appendBatch(
      [
        {
          eventId: 'acme-late',
          tenantId: 'acme',
          type: 'SubscriptionEnded',
          occurredAt: '2026-03-30T00:00:00.000Z',
          data: {},
          subject: null,
          source: null,
        },
      ],
      new Date('2026-04-01T00:00:00Z'),
    );
    await ledger.close();
    const exported = await runCli(['export', '--tenant', 'acme', '--out', bundle], env);
    expect(exported.stderr).toMatch(/bundle of tenant acme written/);
    expect(exported.code).toBe(0);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A copy of the fresh bundle with `tamper` applied. */
  function tampered(name: string, tamper: (d: string) => void): string {
    const copy = path.join(dir, name);
    fs.cpSync(bundle, copy, { recursive: true });
    tamper(copy);
    return copy;
  }

  /** Re-lists every file's digest and re-signs the manifest: what a dishonest operator holding the key can do. */
  function reseal(d: string): void {
    const manifestFile = path.join(d, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
      files: Array<{ path: string; sha256: string; bytes: number }>;
    };
    for (const f of manifest.files) {
      const bytes = fs.readFileSync(path.join(d, f.path));
      f.sha256 = createHash('sha256').update(bytes).digest('hex');
      f.bytes = bytes.length;
    }
    const text = JSON.stringify(manifest, null, 2) + '\n';
    fs.writeFileSync(manifestFile, text);
    const key = readSigningKey(env.CHECKPOINT_KEY);
    fs.writeFileSync(
      path.join(d, 'manifest.sig'),
      sign(null, Buffer.from(text), key.privateKey).toString('hex') + '\n',
    );
  }

  it('writes the entries as hashed, the report naming its position and head hash, the proof and the key', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8'));
    const report = JSON.parse(fs.readFileSync(path.join(bundle, 'report.json'), 'utf8'));
    expect(manifest).toMatchObject({ formatVersion: 1, tenantId: 'acme', report: { position: 9 } });
    expect(report.ledger).toEqual(manifest.report);
    expect(
      fs
        .readFileSync(path.join(bundle, 'entries', 'tenant.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(9);
    expect(fs.readFileSync(path.join(bundle, 'report.html'), 'utf8')).toContain(manifest.report.headHash);
    // The tail of the tenant's stream is what `replay` shows, with what its hash covers (the subject digest).
    const lines = fs
      .readFileSync(path.join(bundle, 'entries', 'tenant.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(lines[0]).subjectDigest).toMatch(/^[0-9a-f]{64}$/);
    // One tenant's bundle reveals no other tenant.
    for (const file of fs.readdirSync(bundle, { recursive: true }) as string[]) {
      if (fs.statSync(path.join(bundle, file)).isFile())
        expect(fs.readFileSync(path.join(bundle, file), 'utf8')).not.toContain('globex');
    }
  });

  it('audit and replay name what the bundle holds: the report basis and each entry with its subject digest', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8'));
    const [audit, replay] = await Promise.all([
      runCli(['audit', '--tenant', 'acme', '--format', 'json'], env),
      runCli(['replay', '--tenant', 'acme'], env),
    ]);
    expect(JSON.parse(audit.stdout).ledger).toEqual(manifest.report);
    const replayed = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const hashed = fs
      .readFileSync(path.join(bundle, 'entries', 'tenant.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(replayed.map((e) => [e.hash === undefined, e.subjectDigest])).toEqual(
      hashed.map((e) => [false, e.subjectDigest]),
    );
  });

  it('a fresh bundle is accepted by verify-bundle and by the Java verifier', async () => {
    const [ours, theirs] = await Promise.all([
      runCli(['verify-bundle', bundle], {}),
      javaVerify(java, bundle),
    ]);
    expect(ours).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: tenant acme, 9 entries/) });
    expect(theirs).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: tenant acme, 9 entries/) });
  });

  it('a bundle of a sealed ledger holds no subject id, and both verifiers accept it', async () => {
    const sealedDir = path.join(dir, 'sealed');
    fs.mkdirSync(sealedDir);
    const sealedEnv = { ...env, LEDGER_URL: `sqlite:${path.join(sealedDir, 'ledger.db')}` };
    const keys = await openSubjectKeyStore(`sqlite:${path.join(sealedDir, 'keys.db')}`);
    const ledger = await openLedger(sealedEnv.LEDGER_URL);
    const at = new Date('2026-03-20T00:00:00Z');
    await ledger.appendBatch(await subjectSealer(keys)(story(), at), at);
    await activatePolicy(ledger, DEFAULT_POLICY, new Date('2026-03-01T00:00:00Z'));
    await ledger.close();
    await keys.close();
    const out = path.join(sealedDir, 'bundle');
    expect((await runCli(['export', '--tenant', 'acme', '--out', out], sealedEnv)).code).toBe(0);
    const subjects = fs.readFileSync(path.join(out, 'subjects.jsonl'), 'utf8');
    expect(subjects).toMatch(/sp_[a-z2-7]{26}/);
    for (const f of fs.readdirSync(out, { recursive: true }) as string[]) {
      const file = path.join(out, f);
      if (fs.statSync(file).isFile())
        expect({ f, plain: fs.readFileSync(file).includes('user-1') }).toEqual({ f, plain: false });
    }
    const [ours, theirs] = await Promise.all([runCli(['verify-bundle', out], {}), javaVerify(java, out)]);
    expect(ours).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: tenant acme, 8 entries/) });
    expect(theirs).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: tenant acme, 8 entries/) });
  });

  const cases: Array<[string, (d: string) => void, RegExp]> = [
    [
      'an entry',
      (d) => changeByte(path.join(d, 'entries/tenant.jsonl'), '"d-3"', '"d-4"'),
      /entries\/tenant\.jsonl/,
    ],
    [
      'the report',
      (d) => changeByte(path.join(d, 'report.json'), '"scheduled"', '"scheduleD"'),
      /report\.json/,
    ],
    [
      'the proof',
      (d) => changeByte(path.join(d, 'proof.json'), '"leafIndex": 1', '"leafIndex": 2'),
      /proof\.json/,
    ],
    [
      'the manifest signature',
      (d) => {
        const sig = fs.readFileSync(path.join(d, 'manifest.sig'), 'utf8');
        fs.writeFileSync(path.join(d, 'manifest.sig'), nextHex(sig[0]) + sig.slice(1));
      },
      /manifest\.sig/,
    ],
    [
      'the checkpoint signature',
      (d) => {
        const file = path.join(d, 'checkpoint.json');
        const cp = JSON.parse(fs.readFileSync(file, 'utf8'));
        changeByte(
          file,
          `"signature": "${cp.signature.slice(0, 4)}`,
          `"signature": "${nextHex(cp.signature[0])}${cp.signature.slice(1, 4)}`,
        );
      },
      /checkpoint\.json/,
    ],
  ];

  it.each(cases)(
    'one changed byte in %s is rejected by both verifiers, naming the file',
    async (_what, tamper, names) => {
      const d = tampered(`bytes-${_what.replace(/\W/g, '-')}`, tamper);
      const [ours, theirs] = await Promise.all([runCli(['verify-bundle', d], {}), javaVerify(java, d)]);
      expect(ours.code).toBe(1);
      expect(theirs.code).toBe(1);
      expect(ours.stdout).toMatch(/^broken: /);
      expect(theirs.stdout).toMatch(/^broken: /);
      // The manifest lists every file's digest: the changed file is named by it, or by its own check.
      expect(theirs.stdout).toMatch(names);
    },
  );

  // The same changes, re-sealed with the operator's key: the manifest now vouches for them,
  // so what rejects them is the chain and the checkpoint's tree, which the key alone cannot forge.
  const resealed: Array<[string, (d: string) => void, RegExp]> = [
    [
      'an entry',
      (d) => changeByte(path.join(d, 'entries/tenant.jsonl'), '"d-3"', '"d-4"'),
      /tenant acme position 5|inclusion proof of acme|head of acme/,
    ],
    [
      'the report position',
      (d) => changeByte(path.join(d, 'report.json'), '"position": 9', '"position": 8'),
      /report\.json/,
    ],
    [
      'the proof',
      (d) => changeByte(path.join(d, 'proof.json'), '"leafIndex": 1', '"leafIndex": 2'),
      /inclusion proof of acme/,
    ],
    [
      'the checkpoint signature',
      (d) => {
        const file = path.join(d, 'checkpoint.json');
        const cp = JSON.parse(fs.readFileSync(file, 'utf8'));
        const head = cp.signature.slice(0, 4);
        changeByte(file, `"signature": "${head}`, `"signature": "${nextHex(head[0])}${head.slice(1)}`);
      },
      /checkpoint\.json: .*signature does not verify/,
    ],
  ];

  it.each(resealed)(
    '%s changed and re-sealed by the key holder is still rejected by both',
    async (_what, tamper, names) => {
      const d = tampered(`resealed-${_what.replace(/\W/g, '-')}`, (x) => {
        tamper(x);
        reseal(x);
      });
      const [ours, theirs] = await Promise.all([runCli(['verify-bundle', d], {}), javaVerify(java, d)]);
      expect({ code: ours.code, names: names.test(ours.stdout) }).toEqual({ code: 1, names: true });
      expect({ code: theirs.code, names: names.test(theirs.stdout) }).toEqual({ code: 1, names: true });
    },
  );

  it('export --as-of reports the ledger as it stood then, and names that position', async () => {
    const asOf = path.join(dir, 'as-of');
    const run = await runCli(
      ['export', '--tenant', 'acme', '--as-of', '2026-03-25T00:00:00Z', '--out', asOf],
      env,
    );
    expect(run.code).toBe(0);
    const verified = await runCli(['verify-bundle', asOf, '--json'], {});
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, position: 8 });
    expect(JSON.parse(fs.readFileSync(path.join(asOf, 'report.json'), 'utf8')).asOf).toBe(
      '2026-03-25T00:00:00.000Z',
    );
  });
});
