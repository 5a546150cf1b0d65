import { createHash } from 'node:crypto';

/**
 * Appends serialise per stream: a transaction-scoped advisory lock on (ledger schema,
 * tenant) for every tenant of a batch, taken in ascending key order so two batches
 * sharing tenants cannot deadlock. Two tenants whose keys collide (32 bits) only wait
 * for each other. The two-int key space does not overlap the one-bigint space that
 * the schema lock and the allocation mutex use.
 */
export function lockKey(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

/** The sorted, distinct stream lock keys of a batch's tenants. */
export function streamLockKeys(tenants: Iterable<string>): number[] {
  const keys = new Set<number>();
  for (const tenantId of tenants) keys.add(lockKey(tenantId));
  return [...keys].sort((a, b) => a - b);
}

/** One statement: locks are taken in array order (a function scan keeps it). */
export const STREAM_LOCK_SQL = 'SELECT pg_advisory_xact_lock($1::int, k) FROM unnest($2::int[]) AS k';
