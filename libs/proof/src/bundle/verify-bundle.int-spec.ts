import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { POLICY_STREAM } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { dataCreated, subscriptionEnded } from '@app/ledger/testing/entries';
import { openCheckpointStore } from '../checkpoint-store';
import { loadOrCreateSigningKey } from '../signing-key';
import { exportBundle } from './export-bundle';
import { verifyBundle } from './verify-bundle';

/** Every byte of a bundle is covered: change any one of them and verify-bundle says no. */
describe('verifyBundle against single-byte changes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-vb-'));
  const bundle = path.join(dir, 'bundle');
  let files: Array<{ name: string; bytes: Buffer }>;

  beforeAll(async () => {
    const url = `sqlite:${path.join(dir, 'ledger.db')}`;
    const ledger = await openLedger(url);
    await ledger.appendBatch([
      dataCreated({ tenantId: 'acme' }),
      dataCreated({ tenantId: 'acme' }),
      subscriptionEnded({ tenantId: 'acme' }),
      dataCreated({ tenantId: 'other' }),
      {
        ...subscriptionEnded({ tenantId: POLICY_STREAM }),
        type: 'PolicyActivated',
        data: { version: 'v', contentHash: 'h', policy: {} },
      },
    ]);
    const store = await openCheckpointStore(url);
    const key = loadOrCreateSigningKey(path.join(dir, 'key.pem'));
    const out = await exportBundle(ledger, store, key, { tenantId: 'acme', now: new Date(), outDir: bundle });
    expect(out.ok).toBe(true);
    await store.close();
    await ledger.close();
    files = (fs.readdirSync(bundle, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(bundle, f)).isFile())
      .map((name) => ({ name, bytes: fs.readFileSync(path.join(bundle, name)) }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts the bundle as written', () => {
    expect(verifyBundle(bundle)).toMatchObject({ ok: true, tenantId: 'acme', entries: 3 });
  });

  it('rejects every single-byte change, in any file', () => {
    const copy = path.join(dir, 'copy');
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (f, at, delta) => {
        const file = files[f % files.length];
        const offset = at % file.bytes.length;
        const changed = Buffer.from(file.bytes);
        changed[offset] = (changed[offset] + delta) % 256;
        fs.rmSync(copy, { recursive: true, force: true });
        fs.cpSync(bundle, copy, { recursive: true });
        fs.writeFileSync(path.join(copy, file.name), changed);
        const verdict = verifyBundle(copy);
        return !verdict.ok;
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
