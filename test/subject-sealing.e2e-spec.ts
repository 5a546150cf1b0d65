import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPseudonym, TopicNames } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { openSubjectKeyStore } from '@app/subject-keys';
import { consumeAll, ensureTopics, produce, randomPrefix, testKafka } from './support/kafka';
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
 * The running system with its subject key store: producers name a subject by its id; the
 * ledger and the read model keep only the subject's pseudonym and a ciphertext, while the
 * deletion command still tells the regional store the subject's id.
 */
describe('subject parts sealed by the running system', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-sealing-'));
  const prefix = randomPrefix();
  const keysFile = path.join(dir, 'subject-keys.db');
  const env = testEnv(dir, prefix, {
    policy: ZERO_DELAY_POLICY,
    regions: ['eu'],
    extra: { SUBJECT_KEYS_URL: `sqlite:${keysFile}`, DISPATCH_INTERVAL: 'PT0.2S' },
  });
  const log = path.join(dir, 'run.log');
  // Recognisable bytes: if any store or log kept the id, a byte scan finds it.
  const subjectId = `marker-${prefix.replace(/\W/g, '')}@example.com`;

  afterAll(() => {
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the id out of the ledger, the read model and the log, and still names it in the command', async () => {
    const kafka = testKafka();
    const topics = new TopicNames(prefix, ['eu']);
    await ensureTopics(kafka, topics.allTopics());
    const run = startCli(['run', '--only', 'ingest,projector,dispatcher'], env, log);
    const tenantId = 'acme';
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    await produce(kafka, topics.lifecycle('data-created'), [
      {
        key: tenantId,
        value: JSON.stringify({
          eventId: `${prefix}created`,
          tenantId,
          occurredAt,
          dataId: 'profile-1',
          category: 'personal',
          region: 'eu',
          store: 'main',
          subjectId,
        }),
      },
    ]);
    await produce(kafka, topics.lifecycle('user-deleted'), [
      {
        key: tenantId,
        value: JSON.stringify({
          eventId: `${prefix}deleted`,
          tenantId,
          occurredAt,
          subjectId,
          deletedBy: 'user',
        }),
      },
    ]);
    const [command] = await consumeAll(kafka, topics.commands('eu'), 1, 60_000);
    const sent = JSON.parse(command.value) as { target: { kind: string; subjectId: string } };
    run.kill('SIGTERM');
    expect(await exited(run)).toBe(0);

    // The regional store is told the subject's id: it has to find the data.
    expect(sent.target).toEqual({ kind: 'subject', subjectId, categories: ['personal'] });

    // The ledger holds the pseudonym and a ciphertext; the key store knows whose it is.
    const ledger = await openLedger(env.LEDGER_URL!, { readOnly: true });
    const subjects = (await ledger.readAll()).entries.flatMap((e) => (e.subject ? [e.subject] : []));
    expect(await ledger.verify()).toMatchObject({ ok: true });
    await ledger.close();
    expect(subjects).toHaveLength(2);
    const pseudonym = 'pseudonym' in subjects[0] ? subjects[0].pseudonym : '';
    expect(isPseudonym(pseudonym)).toBe(true);
    for (const s of subjects) expect(s).toEqual({ pseudonym, ciphertext: expect.stringMatching(/^sk1\./) });
    const keys = await openSubjectKeyStore(`sqlite:${keysFile}`);
    expect(await keys.lookup(tenantId, pseudonym)).toMatchObject({ state: 'active', subjectId });
    await keys.close();

    // The id's bytes: in no file of the ledger or the read model (WAL included), nor in the log.
    const stores = [
      ...databaseFiles(path.join(dir, 'ledger.db')),
      ...databaseFiles(path.join(dir, 'read-model.db')),
    ];
    expect(stores.length).toBeGreaterThanOrEqual(2);
    expect(filesHolding([...stores, log], subjectId)).toEqual([]);
    // The scan's control: the key store, which must hold it until the subject is shredded.
    expect(filesHolding(databaseFiles(keysFile), subjectId)).not.toEqual([]);
    // The pseudonym is what the stores link by.
    expect(filesHolding(stores, pseudonym).length).toBeGreaterThan(0);

    // Replay and verify need no key: they work on pseudonyms.
    const verify = await runCli(['verify'], env);
    expect(verify.code).toBe(0);
  });
});
