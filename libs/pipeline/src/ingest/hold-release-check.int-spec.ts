import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LedgerStore, openLedger } from '@app/ledger';
import { EntryBuilder } from '@app/retention/testing';
import { holdReleaseCheck } from './hold-release-check';

const e = new EntryBuilder('acme');

/** A release without a placement is dead-lettered with a reason, checked against a real ledger file. */
describe('rule: a legal-hold release must end a placement of its holdId', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-hold-'));
  let ledger: LedgerStore;
  let check: ReturnType<typeof holdReleaseCheck>;

  beforeAll(async () => {
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    await ledger.appendBatch([
      e.holdPlaced({ eventId: 'p-1', holdId: 'case-7', at: 1 }),
      e.holdReleased({ eventId: 'r-1', holdId: 'case-7', at: 5 }),
      e.holdPlaced({ eventId: 'p-2', holdId: 'case-7', at: 10 }),
    ]);
    check = holdReleaseCheck((tenantId) => ledger.readStream(tenantId));
  });
  afterAll(async () => {
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a release of a hold never placed: rejected, naming the field, not its value', async () => {
    await expect(check(e.holdReleased({ holdId: 'case-9', at: 12 }), [])).resolves.toBe(
      "release of a legal hold (holdId) that the tenant's stream never placed",
    );
  });

  it('a release of the re-placed hold: accepted', async () => {
    await expect(check(e.holdReleased({ holdId: 'case-7', at: 12 }), [])).resolves.toBeUndefined();
  });

  it('a release between the first release and the second placement: rejected (nothing active then)', async () => {
    await expect(check(e.holdReleased({ holdId: 'case-7', at: 7 }), [])).resolves.toMatch(
      /no placement of it is active at its occurredAt/,
    );
  });

  it('a placement earlier in the same batch counts', async () => {
    const placed = e.holdPlaced({ holdId: 'case-new', at: 3 });
    await expect(check(e.holdReleased({ holdId: 'case-new', at: 4 }), [placed])).resolves.toBeUndefined();
  });

  it('a redelivered release already in the ledger passes (the append dedupes it)', async () => {
    await expect(
      check(e.holdReleased({ eventId: 'r-1', holdId: 'case-7', at: 5 }), []),
    ).resolves.toBeUndefined();
  });

  it('other entry types are not its business', async () => {
    await expect(check(e.dataDeleted({ dataId: 'd1' }), [])).resolves.toBeUndefined();
  });
});
