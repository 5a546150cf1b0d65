import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSealed, type LedgerEntry } from '@app/contracts';
import { openLedger, type LedgerStore } from '@app/ledger';
import { runCli } from './support/cli-process';
import { lifecycleEntries } from './support/ledger-facts';
import { rawSqlite } from './support/raw-ledger';

async function everything(ledger: LedgerStore): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await ledger.readAll(cursor, 1000);
    if (page.entries.length === 0) return out;
    out.push(...page.entries);
    cursor = page.last;
  }
}

/** `ledger migrate`: a ledger that began plain, copied into one where subject parts are sealed. */
describe('retention-ledger ledger migrate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-migrate-'));
  const sourceFile = path.join(dir, 'plain.db');
  const env = { LEDGER_URL: `sqlite:${sourceFile}`, SUBJECT_KEYS_URL: `sqlite:${path.join(dir, 'keys.db')}` };
  const entries = lifecycleEntries(600, { tenants: 6, seed: 'migrate' });
  const migrate = (to: string, extra: string[] = []) =>
    runCli(
      ['ledger', 'migrate', '--to', to, '--reason', 'seal subject parts', '--actor', 'dpo', ...extra],
      env,
    );

  beforeAll(async () => {
    const source = await openLedger(env.LEDGER_URL);
    for (let i = 0; i < entries.length; i += 100)
      await source.appendBatch(entries.slice(i, i + 100), new Date(Date.UTC(2026, 0, 1, 0, i)));
    await source.close();
  });
  afterAll(() => {
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies every entry in order with its times, seals every subject part, and links each stream to its source head', async () => {
    const targetFile = path.join(dir, 'sealed.db');
    const run = await migrate(`sqlite:${targetFile}`, ['--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const withSubject = entries.filter((e) => e.subject !== null).length;
    expect(JSON.parse(run.stdout)).toMatchObject({
      entries: entries.length,
      sealedSubjectParts: withSubject,
    });
    expect(JSON.parse(run.stdout).obligations).toBeGreaterThan(0);

    const source = await openLedger(env.LEDGER_URL, { readOnly: true });
    const target = await openLedger(`sqlite:${targetFile}`, { readOnly: true });
    const [before, after] = [await everything(source), await everything(target)];
    const heads = await source.streamHeads();
    await source.close();
    const migrated = after.filter((e) => e.type !== 'LedgerMigrated');
    const key = (e: LedgerEntry) => [
      e.eventId,
      e.tenantId,
      e.streamPosition,
      e.occurredAt,
      e.recordedAt,
      e.type,
    ];
    expect(migrated.map(key)).toEqual(before.map(key));
    expect(migrated.every((e) => e.subject === null || isSealed(e.subject))).toBe(true);
    // Each tenant stream ends with the link to the source stream it continues.
    for (const head of heads) {
      const last = after.filter((e) => e.tenantId === head.tenantId).at(-1)!;
      expect(last).toMatchObject({
        type: 'LedgerMigrated',
        streamPosition: head.position + 1,
        data: { sourcePosition: head.position, sourceHash: head.hash, actor: 'dpo' },
      });
    }
    expect(await target.verify()).toMatchObject({ ok: true });
    await target.close();
    // No subject id of the source is in the target's files.
    const someId = (entries.find((e) => e.subject !== null)!.subject as { subjectId: string }).subjectId;
    expect(
      fs.readFileSync(sourceFile).includes(someId) || fs.readFileSync(`${sourceFile}-wal`).includes(someId),
    ).toBe(true);
    for (const f of [targetFile, `${targetFile}-wal`].filter((f) => fs.existsSync(f)))
      expect(fs.readFileSync(f).includes(someId)).toBe(false);

    // Never into a ledger that holds entries.
    const again = await migrate(`sqlite:${targetFile}`);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('the target ledger is not empty');
  });

  it('refuses a source that does not verify (exit 1), and writes nothing to the target', async () => {
    const tampered = path.join(dir, 'tampered.db');
    fs.copyFileSync(sourceFile, tampered);
    if (fs.existsSync(`${sourceFile}-wal`)) fs.copyFileSync(`${sourceFile}-wal`, `${tampered}-wal`);
    const raw = rawSqlite(tampered);
    const tenant = entries[0].tenantId;
    const rows = await raw.rows(tenant);
    await raw.rewrite(
      tenant,
      rows.map((r, i) => (i === 1 ? { ...r, occurredAt: '2020-01-01T00:00:00.000Z' } : r)),
    );
    await raw.close();
    const targetFile = path.join(dir, 'never.db');
    const run = await runCli(
      ['ledger', 'migrate', '--from', `sqlite:${tampered}`, '--to', `sqlite:${targetFile}`, '--reason', 'r'],
      env,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the source does not verify');
    const target = await openLedger(`sqlite:${targetFile}`);
    expect((await target.counts()).entries).toBe(0);
    await target.close();
  });
});
