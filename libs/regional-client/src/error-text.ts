import { sanitiseFreeText, type DeletionCommand } from '@app/contracts';

/** Receipts are ledger facts kept for years: an error message is bounded well below the contract's limit. */
export const RECEIPT_ERROR_MAX = 1000;

const SUBJECT_PLACEHOLDER = '[subject]';

/**
 * The `error` of a failed receipt. Only the message goes out, never the stack (internal
 * paths), and the command's subjectId is blanked: subject identifiers are personal data
 * and the ledger keeps them in one designated place only. A thrown non-Error is not
 * rendered at all, since it could be any object holding row data.
 */
export function receiptErrorText(error: unknown, command: DeletionCommand): string {
  let text =
    error instanceof Error
      ? error.message.trim() || error.name || 'Error'
      : 'handler failed (a non-Error value was thrown)';
  if (command.target.kind === 'subject')
    text = text.split(command.target.subjectId).join(SUBJECT_PLACEHOLDER);
  // Control characters other than newline and tab would only garble logs and reports.
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  // What the ledger would refuse or misstore (lone surrogates, bidi controls): as ingest would store it.
  text = sanitiseFreeText(text);
  if (text.length <= RECEIPT_ERROR_MAX) return text;
  // Never cut between the halves of a surrogate pair: a lone surrogate is not UTF-8 text.
  let end = RECEIPT_ERROR_MAX - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}
