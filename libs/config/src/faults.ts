/**
 * Faults as types (the kafkajs split of `src/errors.js`): a transient fault — a store,
 * broker or lock that is unavailable for now — is retried with backoff and shown in health
 * and metrics; a permanent one — bad input, a refused operation — is dead-lettered or
 * refused at once and never retried.
 */
export class TransientError extends Error {
  override name = 'TransientError';
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class PermanentError extends Error {
  override name = 'PermanentError';
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type FaultKind = 'transient' | 'permanent';

// Node socket errors: the peer went away or is not there yet.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// PostgreSQL SQLSTATEs that a retry can outlive: connection exceptions (08…), operator
// intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now),
// serialization failure, deadlock, lock not available, insufficient resources (53…).
const PG_TRANSIENT = /^(08|53|57P0[123]|40001|40P01|55P03)/;
// better-sqlite3 codes of a database that is busy, locked or momentarily out of room.
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|PROTOCOL)/;
const CONNECTION_TEXT =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i;

function fieldOf(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

/**
 * Whether a retry with backoff can outlive this fault. Unknown errors are permanent. A client
 * that gave up retrying (kafkajs' KafkaJSNumberOfRetriesExceeded, marked non-retriable) is as
 * transient as what it retried: a broker down for longer than the client's own retries is
 * still a broker that comes back, so the caller's longer backoff goes on rather than crash.
 */
export function faultKind(err: unknown): FaultKind {
  if (err instanceof TransientError) return 'transient';
  if (err instanceof PermanentError) return 'permanent';
  const name = fieldOf(err, 'name');
  const gaveUpOn = name === 'KafkaJSNumberOfRetriesExceeded' ? fieldOf(err, 'cause') : undefined;
  if (gaveUpOn !== undefined && gaveUpOn !== err) return faultKind(gaveUpOn);
  // kafkajs turns any failure to reach a group coordinator (a broker just started and still
  // creating __consumer_offsets, a connection cut) into this non-retriable error, and a consumer
  // that meets it never restarts (tulios/kafkajs#1445, #1630). The coordinator comes back.
  if (name === 'KafkaJSGroupCoordinatorNotFound') return 'transient';
  const retriable = fieldOf(err, 'retriable');
  if (typeof retriable === 'boolean') return retriable ? 'transient' : 'permanent';
  const code = fieldOf(err, 'code');
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || PG_TRANSIENT.test(code) || SQLITE_TRANSIENT.test(code))
  ) {
    return 'transient';
  }
  const message = err instanceof Error ? err.message : '';
  if (CONNECTION_TEXT.test(message)) return 'transient';
  const cause = fieldOf(err, 'cause');
  return cause !== undefined && cause !== err ? faultKind(cause) : 'permanent';
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: the share of each wait drawn at random, so that restarted peers do not retry in step. */
  jitter?: number;
}

/** Wait before retry `attempt` (1-based): initial × 2^(attempt-1), capped, with jitter. */
export function backoffMs(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  const jitter = opts.jitter ?? 0.2;
  return Math.round(exp * (1 - jitter + jitter * random()));
}
