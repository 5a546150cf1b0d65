import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewEntry } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { subjectSealer } from '@app/pipeline';
import { openSubjectKeyStore } from '@app/subject-keys';
import { runCli } from './support/cli-process';

const T = 'acme';
const at = (day: number) => new Date(Date.UTC(2026, 0, 1 + day)).toISOString();

function facts(subjectId: string, n: number, extra: NewEntry[] = []): NewEntry[] {
  return [
    {
      eventId: `created-${n}`,
      tenantId: T,
      type: 'DataCreated',
      occurredAt: at(0),
      data: { dataId: `profile-${n}`, category: 'personal', region: 'eu', store: 'main' },
      subject: { subjectId },
      source: null,
    },
    {
      eventId: `deleted-${n}`,
      tenantId: T,
      type: 'UserDeleted',
      occurredAt: at(1),
      data: { deletedBy: 'user' },
      subject: { subjectId },
      source: null,
    },
    ...extra,
  ];
}

function filesHolding(dir: string, needle: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => fs.readFileSync(path.join(dir, f)).includes(Buffer.from(needle)))
    .sort();
}

describe('retention-ledger subjects show | shred', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-subjects-'));
  const env = {
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    SUBJECT_KEYS_URL: `sqlite:${path.join(dir, 'subject-keys.db')}`,
  };
  const owing = 'owing-subject@example.com';
  const settled = 'settled-subject@example.com';
  const held = 'held-subject@example.com';
  let owingPseudonym = '';

  beforeAll(async () => {
    // What ingest would have appended: sealed with the same key store the CLI opens.
    const ledger = await openLedger(env.LEDGER_URL);
    const keys = await openSubjectKeyStore(env.SUBJECT_KEYS_URL);
    const seal = subjectSealer(keys);
    const now = new Date(at(1));
    const hold: NewEntry = {
      eventId: 'hold-placed-1',
      tenantId: T,
      type: 'LegalHoldPlaced',
      occurredAt: at(0),
      data: { holdId: 'case-42' },
      subject: { subjectId: held },
      source: null,
    };
    await ledger.appendBatch(await seal([...facts(owing, 1), ...facts(settled, 2), hold], now), now);
    owingPseudonym = (await keys.findPseudonym(T, owing))!;
    await keys.close();
    await ledger.close();
  });
  afterAll(() => {
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  const show = async (...name: string[]) => {
    const run = await runCli(['subjects', 'show', '--tenant', T, ...name, '--json'], env);
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as {
      pseudonym: string;
      key: { state: string; subjectId?: string };
      data: Array<{ dataId: string }>;
      obligations: Array<{ obligationId: string; status: string }>;
      shredded?: { data: { forced: boolean; reason: string } };
    };
  };

  it('shows the subject by id: its pseudonym, key, data and owed obligations', async () => {
    const view = await show('--subject', owing);
    expect(view).toMatchObject({
      pseudonym: owingPseudonym,
      key: { state: 'active', subjectId: owing },
      data: [{ dataId: 'profile-1' }],
    });
    expect(view.obligations.map((o) => o.status)).toEqual(['scheduled']);
    expect(view.shredded).toBeUndefined();
    const text = await runCli(['subjects', 'show', '--tenant', T, '--subject', owing], env);
    expect(text.stdout).toContain(`subject ${owingPseudonym} of tenant ${T}: key active`);
    expect(text.stdout).toContain('not shredded');
  });

  it('refuses to shred while an obligation is owed, naming it; --force shreds and is recorded', async () => {
    const view = await show('--subject', owing);
    const refused = await runCli(
      ['subjects', 'shred', '--tenant', T, '--subject', owing, '--reason', 'erasure request 7'],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`obligations still owed: ${view.obligations[0].obligationId}`);
    expect(refused.stderr).toContain('--force overrides');
    expect(refused.stderr).not.toContain(owing);

    const leaky = await runCli(
      ['subjects', 'shred', '--tenant', T, '--subject', owing, '--reason', `erase ${owing}`, '--force'],
      env,
    );
    expect(leaky.code).toBe(2);
    expect(leaky.stderr).toContain("must not contain the subject's id");

    const forced = await runCli(
      [
        'subjects',
        'shred',
        '--tenant',
        T,
        '--subject',
        owing,
        '--reason',
        'erasure request 7',
        '--force',
        '--json',
      ],
      env,
    );
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({
      pseudonym: owingPseudonym,
      forced: true,
      recorded: 'appended',
    });

    // After the shred the id is unknown; the pseudonym still finds the subject and its proof.
    const gone = await runCli(['subjects', 'show', '--tenant', T, '--subject', owing], env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no subject by that id');
    const after = await show('--pseudonym', owingPseudonym);
    expect(after.key.state).toBe('shredded');
    expect(after.shredded?.data).toMatchObject({ forced: true, reason: 'erasure request 7' });
    // The schedule is the same as before the shred.
    expect(after.obligations).toEqual(view.obligations);
  });

  it('refuses to shred a subject a legal hold covers, naming the hold', async () => {
    const refused = await runCli(
      ['subjects', 'shred', '--tenant', T, '--subject', held, '--reason', 'r'],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('legal holds in force: case-42');
  });

  it('shreds without --force once nothing is owed, and the id is in no file afterwards; verify still passes', async () => {
    const ledger = await openLedger(env.LEDGER_URL);
    const view = await show('--subject', settled);
    const [o] = view.obligations;
    await ledger.appendBatch([
      {
        eventId: 'waive-settled',
        tenantId: T,
        type: 'ObligationResolved',
        occurredAt: at(2),
        data: { obligationId: o.obligationId, resolution: 'done-manually', actor: 'ops', reason: 'test' },
        subject: null,
        source: null,
      },
    ]);
    await ledger.close();
    expect(filesHolding(dir, settled)).toEqual(expect.arrayContaining(['subject-keys.db']));

    const shred = await runCli(
      ['subjects', 'shred', '--tenant', T, '--subject', settled, '--reason', 'retention over', '--json'],
      env,
    );
    expect(shred.stderr).toBe('');
    expect(JSON.parse(shred.stdout)).toMatchObject({ forced: false, recorded: 'appended' });
    // Neither shredded id is in any file of the ledger or the key store (WAL included).
    expect(filesHolding(dir, settled)).toEqual([]);
    expect(filesHolding(dir, owing)).toEqual([]);
    expect((await runCli(['verify'], env)).code).toBe(0);
  });
});
