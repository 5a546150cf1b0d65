/**
 * What a worker thread throws in place of `error`. An error crosses to the parent's
 * 'error' event by structured clone, and better-sqlite3's SqliteError arrives there
 * without its message; a plain Error keeps the message, with SQLite's code appended so
 * the parent can still tell SQLITE_CORRUPT from SQLITE_CANTOPEN.
 *
 * Self-contained on purpose (no imports, no helpers): the workers run it from its
 * source text, as `checkLinkRows` in sqlite-links.
 */
export function plainWorkerError(error: unknown): Error {
  const e = error as { message?: unknown; code?: unknown } | null | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return new Error(typeof e?.code === 'string' ? `${message} (${e.code})` : message);
}
