import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPseudonym, TopicNames } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { consumeAll, ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';
import { exited, runCli, startCli, testEnv } from './support/cli-process';
import { ZERO_DELAY_POLICY, zeroDelayPolicyYaml } from './support/policies';

/** Every file of a SQLite database: the main file, its WAL and its shared-memory index. */
function databaseFiles(dbFile: string): string[] {
  return [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter((f) => fs.existsSync(f));
}

function filesHolding(files: string[], needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return files.filter((f) => fs.readFileSync(f).includes(bytes));
}

/**
 * The whole promise, with the running system and its subject key store: producers name a
 * subject by its id; the ledger and the read model keep only the subject's pseudonym and a
 * ciphertext, while the deletion command still tells the regional store the id; once the
 * store confirms, the subject is shredded — and then the id is in no file the system owns,
 * while verify, the audit and a rebuild show the same obligations, met, as before.
 */
describe('subject parts sealed by the running system, and shredded', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-sealing-'));
  const prefix = randomPrefix();
  const keysFile = path.join(dir, 'subject-keys.db');
  const env = testEnv(dir, prefix, {
    policy: ZERO_DELAY_POLICY,
    regions: ['eu'],
    extra: { SUBJECT_KEYS_URL: `sqlite:${keysFile}`, DISPATCH_INTERVAL: 'PT0.2S' },
  });
  const log = path.join(dir, 'run.log');
  const tenantId = 'acme';
  // Recognisable bytes: if any store or log kept an id, a byte scan finds it.
  const mark = prefix.replace(/\W/g, '');
  const onDemand = `asked-${mark}@example.com`;
  const byPolicy = `policy-${mark}@example.com`;

  afterAll(() => {
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  const cliJson = async <T>(args: string[], json = ['--json']): Promise<T> => {
    const run = await runCli([...args, ...json], env);
    if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  };
  type Listed = Array<{ obligationId: string; status: string; target: { kind: string; subjectId?: string } }>;
  type Audit = { obligations: Array<{ obligationId: string; verdict: string }> };
  type View = { key: { state: string }; shredded?: { data: { trigger: string; forced: boolean } } };
  const stores = () => [
    ...databaseFiles(path.join(dir, 'ledger.db')),
    ...databaseFiles(path.join(dir, 'read-model.db')),
  ];
  const everyFile = () => [...stores(), ...databaseFiles(keysFile), log];

  it('keeps ids out of every store and log, names them in the commands, and forgets them when shredded', async () => {
    const kafka = testKafka();
    const topics = new TopicNames(prefix, ['eu']);
    await ensureTopics(kafka, topics.allTopics());
    const run = startCli(['run', '--only', 'ingest,projector,dispatcher'], env, log);
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const event = (fields: Record<string, unknown>) => ({
      key: tenantId,
      value: JSON.stringify({ tenantId, occurredAt, ...fields }),
    });
    for (const [n, subjectId] of [onDemand, byPolicy].entries()) {
      await produce(kafka, topics.lifecycle('data-created'), [
        event({
          eventId: `${prefix}created-${n}`,
          dataId: `profile-${n}`,
          category: 'personal',
          region: 'eu',
          store: 'main',
          subjectId,
        }),
      ]);
      await produce(kafka, topics.lifecycle('user-deleted'), [
        event({ eventId: `${prefix}deleted-${n}`, subjectId, deletedBy: 'user' }),
      ]);
    }

    // 1. The regional store is told each subject's id: it has to find the data. It confirms.
    const records = await consumeAll(kafka, topics.commands('eu'), 2, 60_000);
    const commands = records.map(
      (r) => JSON.parse(r.value) as { commandId: string; target: { subjectId: string } },
    );
    expect(commands.map((c) => c.target.subjectId).sort()).toEqual([onDemand, byPolicy].sort());
    await produce(
      kafka,
      topics.receipts('eu'),
      commands.map((c) => ({
        key: tenantId,
        value: JSON.stringify({
          commandId: c.commandId,
          tenantId,
          region: 'eu',
          store: 'main',
          status: 'completed',
          completedAt: new Date().toISOString(),
        }),
      })),
    );
    const confirmed = await waitFor(
      () => cliJson<Listed>(['obligations', '--tenant', tenantId]),
      (list) => list.length === 2 && list.every((o) => o.status === 'confirmed'),
      60_000,
      'both obligations confirmed',
    );
    run.kill('SIGTERM');
    expect(await exited(run)).toBe(0);

    // 2. The ledger holds pseudonyms and ciphertexts; the read model links by the pseudonyms.
    const ledger = await openLedger(env.LEDGER_URL!, { readOnly: true });
    const subjects = (await ledger.readAll()).entries.flatMap((e) => (e.subject ? [e.subject] : []));
    await ledger.close();
    expect(subjects).toHaveLength(4);
    for (const s of subjects)
      expect(s).toEqual({ pseudonym: expect.any(String), ciphertext: expect.stringMatching(/^sk1\./) });
    const pseudonyms = [...new Set(subjects.map((s) => ('pseudonym' in s ? s.pseudonym : '')))];
    expect(pseudonyms.every(isPseudonym)).toBe(true);
    expect(confirmed.map((o) => o.target.subjectId).sort()).toEqual([...pseudonyms].sort());
    expect(stores().length).toBeGreaterThanOrEqual(2);
    expect(filesHolding([...stores(), log], onDemand)).toEqual([]);
    expect(filesHolding([...stores(), log], byPolicy)).toEqual([]);
    // The scan's control: the key store holds the ids until they are shredded.
    expect(filesHolding(databaseFiles(keysFile), onDemand)).not.toEqual([]);
    const auditBefore = await cliJson<Audit>(['audit', '--tenant', tenantId, '--format', 'json'], []);

    // 3. On demand: nothing owed, no hold, so no --force needed.
    const asked = await cliJson<{ forced: boolean; pseudonym: string }>([
      'subjects',
      'shred',
      '--tenant',
      tenantId,
      '--subject',
      onDemand,
      '--reason',
      'erasure complete',
    ]);
    expect(asked.forced).toBe(false);
    expect(filesHolding(everyFile(), onDemand)).toEqual([]);
    expect(filesHolding(databaseFiles(keysFile), byPolicy)).not.toEqual([]);

    // 4. By the policy's own retention: a policy with ledger.shredSubjectsAfter, and the projector's process.
    fs.writeFileSync(
      env.RETENTION_POLICY!,
      zeroDelayPolicyYaml('zero-delay-2') + 'ledger: { shredSubjectsAfter: PT0S }\n',
    );
    const projector = startCli(['run', '--only', 'projector'], { ...env, SHRED_INTERVAL: 'PT0.2S' }, log);
    const other = pseudonyms.find((p) => p !== asked.pseudonym)!;
    const shredded = await waitFor(
      () => cliJson<View>(['subjects', 'show', '--tenant', tenantId, '--pseudonym', other]),
      (view) => view.key.state === 'shredded' && view.shredded !== undefined,
      60_000,
      'the policy to shred the other subject',
    );
    projector.kill('SIGTERM');
    expect(await exited(projector)).toBe(0);
    expect(shredded.shredded?.data).toMatchObject({ trigger: 'policy', forced: false });

    // 5. Neither id's bytes are in any file of the ledger, read model or key store (WAL included), nor the log.
    expect(filesHolding(everyFile(), onDemand)).toEqual([]);
    expect(filesHolding(everyFile(), byPolicy)).toEqual([]);
    expect((await runCli(['verify'], env)).code).toBe(0);
    // The audit shows the same obligations met, with the same ids.
    const auditAfter = await cliJson<Audit>(['audit', '--tenant', tenantId, '--format', 'json'], []);
    expect(auditAfter.obligations.map((o) => [o.obligationId, o.verdict])).toEqual(
      auditBefore.obligations.map((o) => [o.obligationId, o.verdict]),
    );
    expect(auditAfter.obligations.map((o) => o.verdict)).toEqual(['met', 'met']);
    // A replay of the whole ledger into a new read model gives the same obligations.
    expect((await runCli(['rebuild'], env)).code).toBe(0);
    const readModel = await openReadModel(env.READ_MODEL_URL!);
    const after = await readModel.obligations(tenantId);
    await readModel.close();
    const byId = (list: Array<{ obligationId: string; status: string }>) =>
      list.map((o) => [o.obligationId, o.status]).sort();
    expect(byId(after)).toEqual(byId(confirmed));
  });
});
