import type { Obligation } from '../obligation';

/**
 * Commands issued since the operator's last `obligations retry` (all of them without one):
 * a retry gives the obligation a fresh budget of DISPATCH_MAX_ATTEMPTS. The read models
 * mirror it in SQL (`ATTEMPTS` there) to pick candidates.
 */
export function attemptsSinceRetry(o: Pick<Obligation, 'commands' | 'retriedAt'>): number {
  const commands = o.commands ?? [];
  if (o.retriedAt === undefined) return commands.length;
  const retriedAt = Date.parse(o.retriedAt);
  return commands.filter((c) => Date.parse(c.issuedAt) >= retriedAt).length;
}

/** The attempt number of the next command: one more than every command issued so far. */
export function nextAttempt(o: Pick<Obligation, 'commands'>): number {
  return (o.commands?.length ?? 0) + 1;
}

/**
 * Failed on every attempt the dispatcher may make (DISPATCH_MAX_ATTEMPTS, counted since an
 * operator's retry): nothing will retry it, an operator must act. The fold cannot say so
 * (the limit is configuration, not a fact), so callers pass the configured limit.
 */
export function retriesExhausted(
  o: Pick<Obligation, 'status' | 'commands' | 'retriedAt'>,
  maxAttempts: number,
): boolean {
  return o.status === 'failed' && attemptsSinceRetry(o) >= maxAttempts;
}
