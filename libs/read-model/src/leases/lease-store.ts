/**
 * Named leases in the read model's database (docs/scale-out.md): a holder owns a name
 * until its lease expires. One table serves the dispatcher (one lease per obligation
 * and attempt) and the projector (one lease per read model). Times are the caller's
 * clock in epoch milliseconds: processes sharing a lease need clocks that agree to
 * well within the lease.
 */
export interface LeaseStore {
  /**
   * Takes each name that is free, expired, or already this holder's (then renewed),
   * until `nowMs + ttlMs`; returns the names granted. Atomic per name: two claimers
   * never both get one.
   */
  claim(names: string[], holder: string, nowMs: number, ttlMs: number): Promise<Set<string>>;
  /** Gives up the holder's leases on these names (others' are left alone). */
  release(names: string[], holder: string): Promise<void>;
  /** Every holder of a lease (expired or not). */
  holders(): Promise<string[]>;
  /** Drops every lease of `holder` (one known to be dead). */
  releaseAll(holder: string): Promise<void>;
  close(): Promise<void>;
}

/** Each name once, sorted: claimers then lock rows in one order and cannot deadlock. */
export function claimOrder(names: string[]): string[] {
  return [...new Set(names)].sort();
}
