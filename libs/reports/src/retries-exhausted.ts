import { attemptsSinceRetry, type Obligation } from '@app/retention';

/**
 * Failed on every attempt the dispatcher may make (DISPATCH_MAX_ATTEMPTS, counted since an
 * operator's retry): nothing will retry it, an operator must act. The fold cannot say so
 * (the limit is configuration, not a fact), so reports ask with the configured limit.
 */
export function retriesExhausted(
  o: Pick<Obligation, 'status' | 'commands' | 'retriedAt'>,
  maxAttempts: number,
): boolean {
  return o.status === 'failed' && attemptsSinceRetry(o) >= maxAttempts;
}
