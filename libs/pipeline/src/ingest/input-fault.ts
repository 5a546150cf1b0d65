import { faultKind } from '@app/config';
import { LedgerInputError } from '@app/ledger';

// PostgreSQL SQLSTATE classes that blame the data: 22 data exception (e.g. 22021 invalid
// byte sequence, 22P05 untranslatable character), 54 program limit exceeded (e.g. an index
// row too large).
const PG_INPUT = /^(22|54)/;
// SQLite codes that blame the data: a string or blob too big, a datatype mismatch.
const SQLITE_INPUT = /^SQLITE_(TOOBIG|MISMATCH)/;

/**
 * Whether an append failed because of what an entry holds, so that the entry can be
 * isolated and dead-lettered. A permanent fault of the store itself (read-only, corrupt,
 * missing table) is not: dead-lettering would then empty every topic into the dead-letter
 * topic, so it stops the batch instead (redelivered after the consumer restarts).
 */
export function isInputFault(err: unknown): boolean {
  if (err instanceof LedgerInputError) return true;
  if (faultKind(err) !== 'permanent') return false;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return err instanceof Error && err.name === 'CanonicalJsonError';
  return PG_INPUT.test(code) || SQLITE_INPUT.test(code);
}

/** What the codes of input faults mean, in words that quote nothing. */
const INPUT_FAULT_TEXT: Record<string, string> = {
  '22001': 'value too long',
  '22021': 'invalid byte sequence for the encoding',
  '22P05': 'untranslatable character',
  '54000': 'program limit exceeded',
  SQLITE_TOOBIG: 'string or blob too big',
  SQLITE_MISMATCH: 'datatype mismatch',
};

/**
 * An input fault as a dead-letter reason. Our own checks (LedgerInputError,
 * CanonicalJsonError) word their messages without values; a store's message may quote the
 * value it choked on (PostgreSQL: `invalid input syntax for type json`, its detail
 * `Token "…" is invalid`), so a store's fault is told by its code alone.
 */
export function inputFaultText(err: unknown): string {
  if (err instanceof LedgerInputError) return err.message;
  if (err instanceof Error && err.name === 'CanonicalJsonError') return err.message;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return 'the store refused it';
  return INPUT_FAULT_TEXT[code] ?? `the store refused it (${code.slice(0, 32)})`;
}
