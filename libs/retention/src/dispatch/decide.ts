import type { Obligation } from '../obligation';
import { attemptsSinceRetry, nextAttempt } from './attempts';

/**
 * The dispatcher's decisions (emmett's decider: `decide(command, state) → events`),
 * pure: given an obligation as the read model has it, when its last command was
 * published, and `now`, what the dispatcher does about it. The dispatcher keeps the IO
 * (reading candidates, appending the command, publishing) and acts on the events.
 *
 * - scheduled and due: issue the next attempt;
 * - failed: issue the next attempt once the backoff after the failure has passed
 *   (retryBaseMs × 2^(n-1), n = attempts since the operator's last retry), or wait;
 * - issued, published, no receipt: after RECEIPT_TIMEOUT, issue the next attempt;
 * - failed or timed out with maxAttempts used (since the last retry): stop, failed
 *   permanently until an operator retries it;
 * - anything else (not due, held, settled, awaiting a receipt in time): nothing.
 */

/** The configuration the decisions read (DISPATCH_MAX_ATTEMPTS, DISPATCH_RETRY_BASE_MS, RECEIPT_TIMEOUT). */
export interface DispatchRules {
  /** Attempts per obligation (since an operator's retry), the first included. */
  readonly maxAttempts: number;
  /** Backoff before attempt n+1 = retryBaseMs × 2^(n-1). */
  readonly retryBaseMs: number;
  /** A published command with no receipt for this long is issued again as a new attempt. */
  readonly receiptTimeoutMs: number;
}

export interface DispatchCommand {
  readonly type: 'Dispatch';
  /** Epoch milliseconds (the caller's clock). */
  readonly now: number;
  readonly rules: DispatchRules;
}

/** What the decision reads of an obligation, and the dispatcher's publication mark of its last command. */
export interface DispatchState {
  readonly obligation: Pick<Obligation, 'status' | 'dueAt' | 'commands' | 'retriedAt' | 'failedAt'>;
  /** When the last command was published (RFC 3339); absent: not known to be published. */
  readonly lastPublishedAt?: string;
}

export type AttemptCause = 'due' | 'retry' | 'receipt-timeout';

export type DispatchEvent =
  | { readonly type: 'AttemptDue'; readonly attempt: number; readonly cause: AttemptCause }
  | { readonly type: 'BackingOff'; readonly attempt: number; readonly until: number }
  | { readonly type: 'AwaitingReceipt'; readonly until: number }
  | { readonly type: 'AttemptsExhausted'; readonly attempts: number };

/** Backoff before the attempt after the n-th (since the last retry): retryBaseMs × 2^(n-1). */
export function attemptBackoffMs(attemptsSinceRetry: number, retryBaseMs: number): number {
  return retryBaseMs * 2 ** Math.max(0, attemptsSinceRetry - 1);
}

export function decide(command: DispatchCommand, state: DispatchState): DispatchEvent[] {
  const o = state.obligation;
  switch (o.status) {
    case 'scheduled':
      return Date.parse(o.dueAt) <= command.now
        ? [{ type: 'AttemptDue', attempt: nextAttempt(o), cause: 'due' }]
        : [];
    case 'failed':
      return decideRetry(command, o);
    case 'issued':
      return decideReceiptTimeout(command, o, state.lastPublishedAt);
    default:
      return [];
  }
}

function decideRetry(command: DispatchCommand, o: DispatchState['obligation']): DispatchEvent[] {
  const { rules, now } = command;
  const used = attemptsSinceRetry(o);
  if (used >= rules.maxAttempts) return [{ type: 'AttemptsExhausted', attempts: used }];
  const attempt = nextAttempt(o);
  // A failure without a time (an old row) is retried at once rather than never.
  const failedAt = Date.parse(o.failedAt ?? '');
  const until = failedAt + attemptBackoffMs(used, rules.retryBaseMs);
  if (Number.isNaN(failedAt) || until <= now) return [{ type: 'AttemptDue', attempt, cause: 'retry' }];
  return [{ type: 'BackingOff', attempt, until }];
}

function decideReceiptTimeout(
  command: DispatchCommand,
  o: DispatchState['obligation'],
  lastPublishedAt: string | undefined,
): DispatchEvent[] {
  if (lastPublishedAt === undefined) return []; // not on Kafka yet: the outbox sweep publishes it
  const { rules, now } = command;
  const until = Date.parse(lastPublishedAt) + rules.receiptTimeoutMs;
  if (until > now) return [{ type: 'AwaitingReceipt', until }];
  const used = attemptsSinceRetry(o);
  if (used >= rules.maxAttempts) return [{ type: 'AttemptsExhausted', attempts: used }];
  return [{ type: 'AttemptDue', attempt: nextAttempt(o), cause: 'receipt-timeout' }];
}
