import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issuedEventId, NewEntry } from '@app/contracts';
import { LedgerStore, openLedger } from '@app/ledger';
import { receiptCheck } from './receipt-check';

function receipt(
  over: Partial<{ commandId: string; region: string; store: string; tenantId: string }> = {},
): NewEntry {
  const { commandId = 'c-1', region = 'eu', store = 'main', tenantId = 'acme' } = over;
  return {
    eventId: `receipt:${commandId}:completed:2026-01-02T00:00:00.000Z`,
    tenantId,
    type: 'DeletionConfirmed',
    occurredAt: '2026-01-02T00:00:00.000Z',
    data: { commandId, region, store, completedAt: '2026-01-02T00:00:00.000Z', deletedCount: 1 },
    subject: null,
    source: null,
  };
}

/** Residency for receipts (DESIGN.md semantics 7), checked against a real ledger file. */
describe('receiptCheck', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-receipt-'));
  let ledger: LedgerStore;
  let check: (entry: NewEntry) => Promise<string | undefined>;

  beforeAll(async () => {
    ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
    await ledger.appendBatch([
      {
        eventId: issuedEventId('c-1'),
        tenantId: 'acme',
        type: 'DeletionCommandIssued',
        occurredAt: '2026-01-01T00:00:00.000Z',
        data: {
          commandId: 'c-1',
          obligationId: 'ob.data-deleted.x',
          region: 'eu',
          store: 'main',
          issuedAt: '2026-01-01T00:00:00.000Z',
          attempt: 1,
        },
        subject: null,
        source: null,
      },
    ]);
    check = receiptCheck((commandId) => ledger.findByEventId(issuedEventId(commandId)));
  });
  afterAll(async () => {
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a receipt from the region and store its command went to', async () => {
    expect(await check(receipt())).toBeUndefined();
  });

  it('rejects a receipt for an unknown commandId', async () => {
    expect(await check(receipt({ commandId: 'c-404' }))).toBe(
      'receipt for a commandId the ledger never issued',
    );
  });

  it('rejects a receipt from another region than the command went to', async () => {
    expect(await check(receipt({ region: 'us' }))).toBe(
      'receipt from another region than its command went to (eu)',
    );
  });

  it('rejects a receipt from another store', async () => {
    expect(await check(receipt({ store: 'archive' }))).toBe(
      'receipt from another store than its command went to',
    );
  });

  it("rejects a receipt naming another tenant than the command's", async () => {
    expect(await check(receipt({ tenantId: 'globex' }))).toBe("receipt's tenantId is not its command's");
  });

  it('leaves lifecycle events alone', async () => {
    const e: NewEntry = { ...receipt(), type: 'SubscriptionEnded', data: {} };
    expect(await check(e)).toBeUndefined();
  });
});
