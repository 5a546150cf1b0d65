import type { RawRecord } from '@app/contracts';

/** More than the batches one instance can have in flight uncommitted (a fetch is ≤ ~18 000 records); ≈ 11 MB when full (measured, 40-character topic names). */
const DEFAULT_MAX = 50_000;

/**
 * The coordinates of records this process has dead-lettered, latest last. Offsets are
 * committed after the batch's dead letters are durable, so a batch the group hands back
 * before that commit (this member's session lapsed under a stall, a rebalance) comes
 * again with records already on the dead-letter topic: they are not sent a second time.
 * A crashed process forgets, so after a crash a redelivered bad record is dead-lettered
 * again, with the same source coordinates (docs/faults.md). Bounded: the oldest go first.
 */
export class DeadLetteredRecords {
  private readonly keys = new Set<string>();

  constructor(private readonly max = DEFAULT_MAX) {}

  has(record: RawRecord): boolean {
    return this.keys.has(keyOf(record));
  }

  add(records: readonly RawRecord[]): void {
    for (const r of records) {
      const key = keyOf(r);
      // Re-inserted at the end: the latest stay longest.
      this.keys.delete(key);
      this.keys.add(key);
    }
    for (const key of this.keys) {
      if (this.keys.size <= this.max) break;
      this.keys.delete(key);
    }
  }

  get size(): number {
    return this.keys.size;
  }
}

function keyOf(r: RawRecord): string {
  return `${r.topic}\u0000${r.partition}\u0000${r.offset}`;
}
