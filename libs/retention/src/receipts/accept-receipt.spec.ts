import { EntryBuilder, given, obligationIds } from '../testing';
import { acceptReceipt, fromCommandStore, type IssuedCommandRef, type ReceiptClaim } from './accept-receipt';

const issued: IssuedCommandRef = { tenantId: 't1', region: 'eu', store: 'main' };
const receipt: ReceiptClaim = { tenantId: 't1', commandId: 'c1', region: 'eu', store: 'main' };

describe('receipt acceptance: given the issued command, when a receipt arrives, then…', () => {
  it('from the command’s region and store, same tenant: accepted', () => {
    expect(acceptReceipt(receipt, issued)).toEqual({ accepted: true });
    expect(fromCommandStore(receipt, issued)).toBe(true);
  });

  it('for a command the ledger never issued: refused, quoting no value of the receipt', () => {
    expect(acceptReceipt(receipt, undefined)).toEqual({
      accepted: false,
      reason: 'receipt for a commandId the ledger never issued',
    });
  });

  it('from another region: refused, naming the configured region the command went to', () => {
    expect(acceptReceipt({ ...receipt, region: 'us' }, issued)).toEqual({
      accepted: false,
      reason: 'receipt from another region than its command went to (eu)',
    });
    expect(fromCommandStore({ region: 'us', store: 'main' }, issued)).toBe(false);
  });

  it('from another store of the same region: refused, quoting neither store', () => {
    expect(acceptReceipt({ ...receipt, store: 'crm' }, issued)).toEqual({
      accepted: false,
      reason: 'receipt from another store than its command went to',
    });
    expect(fromCommandStore({ region: 'eu', store: 'crm' }, issued)).toBe(false);
  });

  it('for another tenant’s command: refused', () => {
    expect(acceptReceipt({ ...receipt, tenantId: 't2' }, issued)).toEqual({
      accepted: false,
      reason: "receipt's tenantId is not its command's",
    });
  });
});

describe('receipt acceptance in the fold: a receipt from elsewhere that reached the ledger', () => {
  const e = new EntryBuilder();
  const id = obligationIds().dataDeleted('d1');
  it('is flagged and does not confirm the purge', () => {
    given([
      e.dataCreated({ dataId: 'd1', at: 0 }),
      e.dataDeleted({ dataId: 'd1', at: 10 }),
      e.commandIssued({ obligationId: id, commandId: 'c1', at: 10.5 }),
    ])
      .when(e.confirmed({ commandId: 'c1', at: 10.6, region: 'us' }))
      .thenContains({ obligationId: id, status: 'issued', flags: ['receipt-region-mismatch'] });
  });
});
