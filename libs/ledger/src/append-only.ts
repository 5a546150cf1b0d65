/** Message of every store's append-only guard (triggers); operators and tests match on "append-only". */
export const APPEND_ONLY_MESSAGE = 'the retention ledger is append-only';
