import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

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
