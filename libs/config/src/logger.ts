import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Fields of a PostgreSQL error that quote the data it choked on (`detail`: `Key
 * (event_id)=(…) already exists`, `Token "…" is invalid`) or the statement around it.
 * Its code, table, column and constraint say which rule, and stay.
 */
const QUOTING_ERROR_FIELDS = ['detail', 'hint', 'where', 'internalQuery', 'parameters'];

/** pino's error serializer without the fields that quote values (a log line never quotes one). */
function errWithoutValues(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { ...pino.stdSerializers.err(err) };
  for (const field of QUOTING_ERROR_FIELDS) delete out[field];
  return out;
}

/**
 * Structured JSON logs on stderr (stdout belongs to command output such as NDJSON).
 * Subject identifiers are personal data and API keys are secrets: the redact paths
 * catch them should a caller ever pass an entry or a request into a log line.
 */
export function createLogger(level: string, name = 'retention-ledger', file?: string): Logger {
  return pino(
    {
      name,
      level,
      serializers: { err: errWithoutValues },
      redact: {
        paths: [
          'subjectId',
          '*.subjectId',
          'subject',
          '*.subject',
          'authorization',
          '*.authorization',
          'key',
        ],
        censor: '[redacted]',
      },
    },
    file
      ? pino.destination({ dest: file, sync: true, mkdir: true })
      : pino.destination({ fd: 2, sync: true }),
  );
}
