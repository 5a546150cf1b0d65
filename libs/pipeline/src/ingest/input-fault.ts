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
