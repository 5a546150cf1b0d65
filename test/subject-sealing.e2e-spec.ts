import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPseudonym, TopicNames } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { consumeAll, ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';
import { exited, runCli, startCli, testEnv } from './support/cli-process';
import { ZERO_DELAY_POLICY } from './support/policies';

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
  // Recognisable bytes: if any store or log kept the id, a byte scan finds it.
  const subjectId = `marker-${prefix.replace(/\W/g, '')}@example.com`;

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

  it('keeps the id out of every store and log, names it in the command, and forgets it at the shred', async () => {
    const kafka = testKafka();
    const topics = new TopicNames(prefix, ['eu']);
    await ensureTopics(kafka, topics.allTopics());
    const run = startCli(['run', '--only', 'ingest,projector,dispatcher'], env, log);
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const event = (fields: Record<string, unknown>) => ({
      key: tenantId,
      value: JSON.stringify({ tenantId, occurredAt, ...fields }),
    });
    await produce(kafka, topics.lifecycle('data-created'), [
      event({
        eventId: `${prefix}created`,
        dataId: 'profile-1',
        category: 'personal',
        region: 'eu',
        store: 'main',
        subjectId,
      }),
    ]);
    await produce(kafka, topics.lifecycle('user-deleted'), [
      event({ eventId: `${prefix}deleted`, subjectId, deletedBy: 'user' }),
    ]);

    // 1. The regional store is told the subject's id: it has to find the data. It confirms.
    const [record] = await consumeAll(kafka, topics.commands('eu'), 1, 60_000);
    const command = JSON.parse(record.value) as { commandId: string; target: unknown };
    expect(command.target).toEqual({ kind: 'subject', subjectId, categories: ['personal'] });
    await produce(kafka, topics.receipts('eu'), [
      {
        key: tenantId,
        value: JSON.stringify({
          commandId: command.commandId,
          tenantId,
          region: 'eu',
          store: 'main',
          status: 'completed',
          completedAt: new Date().toISOString(),
        }),
      },
    ]);
    const confirmed = await waitFor(
      () => cliJson<Listed>(['obligations', '--tenant', tenantId]),
      (list) => list.length > 0 && list.every((o) => o.status === 'confirmed'),
      60_000,
      'the obligation confirmed',
    );
    run.kill('SIGTERM');
    expect(await exited(run)).toBe(0);

    // 2. The ledger holds the pseudonym and a ciphertext; the read model links by the pseudonym.
    const ledger = await openLedger(env.LEDGER_URL!, { readOnly: true });
    const subjects = (await ledger.readAll()).entries.flatMap((e) => (e.subject ? [e.subject] : []));
    await ledger.close();
    expect(subjects).toHaveLength(2);
    const pseudonym = 'pseudonym' in subjects[0] ? subjects[0].pseudonym : '';
    expect(isPseudonym(pseudonym)).toBe(true);
    for (const s of subjects) expect(s).toEqual({ pseudonym, ciphertext: expect.stringMatching(/^sk1\./) });
    expect(confirmed.map((o) => o.target.subjectId)).toEqual([pseudonym]);
    const stores = () => [
      ...databaseFiles(path.join(dir, 'ledger.db')),
      ...databaseFiles(path.join(dir, 'read-model.db')),
    ];
    expect(stores().length).toBeGreaterThanOrEqual(2);
    expect(filesHolding([...stores(), log], subjectId)).toEqual([]);
    expect(filesHolding(stores(), pseudonym).length).toBeGreaterThan(0);
    // The scan's control: the key store holds the id until the shred.
    expect(filesHolding(databaseFiles(keysFile), subjectId)).not.toEqual([]);
    const auditBefore = await cliJson<Audit>(['audit', '--tenant', tenantId, '--format', 'json'], []);

    // 3. Nothing owed, no hold: the shred needs no --force.
    const shred = await cliJson<{ forced: boolean; pseudonym: string }>([
      'subjects',
      'shred',
      '--tenant',
      tenantId,
      '--subject',
      subjectId,
      '--reason',
      'erasure complete',
    ]);
    expect(shred).toMatchObject({ forced: false, pseudonym });

    // 4. The id's bytes are in no file of the ledger, the read model or the key store (WAL included), nor the log.
    expect(filesHolding([...stores(), ...databaseFiles(keysFile), log], subjectId)).toEqual([]);
    expect((await runCli(['verify'], env)).code).toBe(0);
    // The audit shows the same obligations met, with the same ids; the subject is its pseudonym.
    const auditAfter = await cliJson<Audit>(['audit', '--tenant', tenantId, '--format', 'json'], []);
    expect(auditAfter.obligations.map((o) => [o.obligationId, o.verdict])).toEqual(
      auditBefore.obligations.map((o) => [o.obligationId, o.verdict]),
    );
    expect(auditAfter.obligations.every((o) => o.verdict === 'met')).toBe(true);
    // A replay of the whole ledger into a new read model gives the same obligations.
    const rebuilt = await runCli(['rebuild'], env);
    expect(rebuilt.code).toBe(0);
    const readModel = await openReadModel(env.READ_MODEL_URL!);
    const after = await readModel.obligations(tenantId);
    await readModel.close();
    expect(after.map((o) => [o.obligationId, o.status])).toEqual(
      confirmed.map((o) => [o.obligationId, o.status]),
    );
    const view = await cliJson<{ key: { state: string }; shredded?: unknown }>([
      'subjects',
      'show',
      '--tenant',
      tenantId,
      '--pseudonym',
      pseudonym,
    ]);
    expect(view.key.state).toBe('shredded');
    expect(view.shredded).toBeDefined();
  });
});
