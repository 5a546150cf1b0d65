import type { Obligation } from './obligation';

/**
 * Commands issued since the operator's last `obligations retry` (all of them without one):
 * a retry gives the obligation a fresh budget of DISPATCH_MAX_ATTEMPTS.
 */
export function attemptsSinceRetry(o: Pick<Obligation, 'commands' | 'retriedAt'>): number {
  const commands = o.commands ?? [];
  if (o.retriedAt === undefined) return commands.length;
  const retriedAt = Date.parse(o.retriedAt);
  return commands.filter((c) => Date.parse(c.issuedAt) >= retriedAt).length;
}
