/**
 * Receipt acceptance (DESIGN.md semantics 7): a store's receipt counts only for a
 * command the ledger issued, from the region and store the command went to, for the
 * same tenant. Ingest asks `acceptReceipt` before appending (it looks the command up);
 * the fold asks `fromCommandStore` of receipts that reached the ledger anyway (before
 * their command, or written by something else) and flags those that fail it.
 *
 * The residency check of the topic (a receipt on `deletion-receipts.<region>` must
 * name that region) stays in `parseRecord` (libs/contracts): it is a property of the
 * record's transport, and contracts may not import the domain.
 */

/** Where a receipt says it comes from, or where a command went. */
export interface StorePlace {
  readonly region: string;
  readonly store: string;
}

/** What a receipt claims: the command it answers, for which tenant, from where. */
export interface ReceiptClaim extends StorePlace {
  readonly tenantId: string;
  readonly commandId: string;
}

/** The command the ledger issued under the receipt's commandId, as far as the rule reads it. */
export interface IssuedCommandRef extends StorePlace {
  readonly tenantId: string;
}

export type ReceiptVerdict =
  { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

const ACCEPTED: ReceiptVerdict = { accepted: true };

/** Did the receipt come from the region and store its command went to? */
export function fromCommandStore(receipt: StorePlace, command: StorePlace): boolean {
  return receipt.region === command.region && receipt.store === command.store;
}

/**
 * Whether a receipt is accepted, and why not; `issued` undefined: the ledger has no such
 * command. The reason is a dead letter's and a log line's: it names fields, never quotes them.
 */
export function acceptReceipt(receipt: ReceiptClaim, issued: IssuedCommandRef | undefined): ReceiptVerdict {
  const refuse = (reason: string): ReceiptVerdict => ({ accepted: false, reason });
  if (issued === undefined) return refuse('receipt for a commandId the ledger never issued');
  if (issued.region !== receipt.region) {
    return refuse(`receipt from another region than its command went to (${issued.region})`);
  }
  if (issued.store !== receipt.store) {
    return refuse('receipt from another store than its command went to');
  }
  if (issued.tenantId !== receipt.tenantId) {
    return refuse("receipt's tenantId is not its command's");
  }
  return ACCEPTED;
}
