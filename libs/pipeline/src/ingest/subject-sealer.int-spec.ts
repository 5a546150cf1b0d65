import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeletionCommand } from '@app/contracts';
import { openLedger, type LedgerStore } from '@app/ledger';
import { dataCreated, subscriptionEnded } from '@app/ledger/testing/entries';
import { openSubjectKeyStore, type SubjectKeyStore } from '@app/subject-keys';
import { subjectRevealer } from '../dispatcher/reveal-subjects';
import { ledgerSealer, ledgerSubjectForm } from './subject-sealer';

const NOW = new Date('2026-01-01T00:00:00Z');

function command(tenantId: string, subjectId: string): DeletionCommand {
  return {
    commandId: `cmd-${subjectId}`,
    obligationId: 'ob.1',
    tenantId,
    region: 'eu',
    store: 'main',
    target: { kind: 'subject', subjectId, categories: ['personal'] },
    reason: 'user-deleted',
    dueAt: NOW.toISOString(),
    deadline: NOW.toISOString(),
    issuedAt: NOW.toISOString(),
    policyVersion: 'v1',
  };
}

describe('sealing subject parts at ingest, and naming them again for the stores', () => {
  let dir: string;
  let ledger: LedgerStore;
  let keys: SubjectKeyStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-sealer-'));
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    keys = await openSubjectKeyStore(`sqlite:${path.join(dir, 'keys.db')}`);
  });
  afterEach(async () => {
    await ledger.close();
    await keys.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('seals a new ledger: one pseudonym per subject, entries without a subject as they are', async () => {
    const warned = jest.fn();
    const seal = ledgerSealer(ledger, keys, warned);
    const input = [
      dataCreated({ tenantId: 't', subject: { subjectId: 'alice' } }),
      subscriptionEnded({ tenantId: 't' }),
      dataCreated({ tenantId: 't', subject: { subjectId: 'alice' } }),
      dataCreated({ tenantId: 'other', subject: { subjectId: 'alice' } }),
    ];
    const sealed = await seal(input, NOW);
    const [a, none, again, otherTenant] = sealed.map((e) => e.subject);
    expect(none).toBeNull();
    expect(a).toEqual({
      pseudonym: expect.stringMatching(/^sp_/),
      ciphertext: expect.stringMatching(/^sk1\./),
    });
    // The fold links by pseudonym: the same subject twice is one pseudonym, another tenant's is another.
    expect(again).toMatchObject({ pseudonym: (a as { pseudonym: string }).pseudonym });
    expect(otherTenant).not.toMatchObject({ pseudonym: (a as { pseudonym: string }).pseudonym });
    expect(input[0].subject).toEqual({ subjectId: 'alice' });
    await ledger.appendBatch(sealed, NOW);
    expect(await ledgerSubjectForm(ledger)).toBe('sealed');
    expect(warned).not.toHaveBeenCalled();
  });

  it('keeps a ledger that began plain plain, and says so once', async () => {
    await ledger.appendBatch([subscriptionEnded({ tenantId: 't' }), dataCreated({ tenantId: 't' })], NOW);
    expect(await ledgerSubjectForm(ledger)).toBe('plain');
    const warned = jest.fn();
    const seal = ledgerSealer(ledger, keys, warned);
    const entry = dataCreated({ tenantId: 't', subject: { subjectId: 'bob' } });
    expect(await seal([entry], NOW)).toEqual([entry]);
    expect(await seal([entry], NOW)).toEqual([entry]);
    expect(warned).toHaveBeenCalledTimes(1);
    expect(await keys.findPseudonym('t', 'bob')).toBeUndefined();
  });

  it('a redelivery keeps its stored pseudonym, and after the shred never brings the id back into the key store', async () => {
    const seal = ledgerSealer(ledger, keys, () => undefined);
    const first = dataCreated({ tenantId: 't', subject: { subjectId: 'erin@example.com' } });
    const [stored] = await ledger.appendBatch(await seal([first], NOW), NOW);
    const part = stored.status === 'appended' ? stored.entry.subject : null;
    // While the key exists: the same part again, so the ledger sees the same fact.
    expect((await seal([first], NOW))[0].subject).toEqual(part);
    expect((await ledger.appendBatch(await seal([first], NOW), NOW))[0].status).toBe('duplicate');
    // Another id under the same eventId is sealed as what it is: a conflict.
    const other = { ...first, subject: { subjectId: 'frank@example.com' } };
    expect((await ledger.appendBatch(await seal([other], NOW), NOW))[0].status).toBe('conflict');

    await keys.shred('t', [(part as { pseudonym: string }).pseudonym], NOW);
    const keysFile = path.join(dir, 'keys.db');
    const holdsId = () =>
      [keysFile, `${keysFile}-wal`].some(
        (f) => fs.existsSync(f) && fs.readFileSync(f).includes('erin@example.com'),
      );
    expect(holdsId()).toBe(false);
    // The late redelivery: still a duplicate, and no new key or mapping for the id.
    expect((await ledger.appendBatch(await seal([first], NOW), NOW))[0].status).toBe('duplicate');
    expect(await keys.findPseudonym('t', 'erin@example.com')).toBeUndefined();
    expect(holdsId()).toBe(false);
  });

  it('names a sealed subject in its command while the key exists, and refuses once it was shredded', async () => {
    const [sealed] = await ledgerSealer(
      ledger,
      keys,
      () => undefined,
    )([dataCreated({ tenantId: 't', subject: { subjectId: 'carol' } })], NOW);
    const pseudonym = (sealed.subject as { pseudonym: string }).pseudonym;
    const reveal = subjectRevealer(keys);
    const plain = command('t', 'dave');
    expect(await reveal([command('t', pseudonym), plain])).toEqual({
      ready: [
        {
          ...command('t', pseudonym),
          target: { kind: 'subject', subjectId: 'carol', categories: ['personal'] },
        },
        plain,
      ],
      refused: [],
    });
    await keys.shred('t', [pseudonym], NOW);
    const after = await reveal([command('t', pseudonym)]);
    expect(after.ready).toEqual([]);
    expect(after.refused).toEqual([
      {
        command: command('t', pseudonym),
        reason: expect.stringContaining(`subject ${pseudonym} was shredded`),
      },
    ]);
    // Another tenant's pseudonym is not this tenant's subject.
    const elsewhere = await reveal([command('u', pseudonym)]);
    expect(elsewhere.refused[0].reason).toContain('unknown');
  });
});
