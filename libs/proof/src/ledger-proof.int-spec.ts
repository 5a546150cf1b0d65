import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openLedger } from '@app/ledger';
import { dataCreated } from '@app/ledger/testing/entries';
import { makeCheckpoint } from './ledger-proof';
import { loadOrCreateSigningKey } from './signing-key';

/** A checkpoint is only signed over a ledger that verifies and still extends the last one. */
describe('makeCheckpoint', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-make-cp-'));
  const file = path.join(dir, 'ledger.db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('signs the verified heads, then refuses to sign once a tail was cut and the head rewound', async () => {
    const key = loadOrCreateSigningKey(path.join(dir, 'key.pem'));
    expect(loadOrCreateSigningKey(path.join(dir, 'key.pem')).keyId).toBe(key.keyId);
    const ledger = await openLedger(`sqlite:${file}`);
    await ledger.appendBatch([1, 2, 3].map(() => dataCreated({ tenantId: 'acme' })));
    const first = await makeCheckpoint(ledger, key, new Date());
    expect(first).toMatchObject({ ok: true, checkpoint: { treeSize: 1, ledgerSize: 3 } });
    if (!first.ok) return;

    const db = new Database(file);
    db.exec('DROP TRIGGER ledger_entries_no_delete; DROP TRIGGER ledger_streams_forward_only');
    db.exec("DELETE FROM ledger_entries WHERE tenant_id = 'acme' AND stream_position = 3");
    db.exec(`UPDATE ledger_streams SET position = 2, hash = (SELECT hash FROM ledger_entries
             WHERE tenant_id = 'acme' AND stream_position = 2) WHERE tenant_id = 'acme'`);
    db.close();

    expect(await makeCheckpoint(ledger, key, new Date())).toMatchObject({ ok: true });
    expect(await makeCheckpoint(ledger, key, new Date(), first.checkpoint)).toMatchObject({
      ok: false,
      tenantId: 'acme',
      position: 3,
      reason: expect.stringMatching(/cut tail/),
    });
    await ledger.close();
  });
});
