import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what a full collection left alive, in a
 * process that exists to rebuild: 100 % (a factor of 2) instead of V8's own choice, which
 * reaches 4× when little time goes into GC. A rebuild's group states live for a group
 * (≈ 50 000 entries), long enough to be promoted, and then die in the old generation: at
 * 1 M entries the main heap peaked at 130 MB with 22–29 MB alive after each full
 * collection, so the peak RSS followed the garbage, not the state. Measured (2 × Intel
 * Xeon, Node 20, quiet, alternating runs; docs/scale-out.md): 1 M entries, peak RSS
 * 257–326 → 227–248 MB at 170–187 → 181–184 k entries/s; 10 M, 281–321 → 256–258 MB at
 * 155–156 → 137–157 k/s. 50 % cut the peak further (223–240 MB at 10 M) but slowed the
 * rebuild by 5–20 %.
 */
export const REBUILD_HEAP_GROWING_PERCENT = 100;

/**
 * Sets the heap growth for the whole process (V8 reads the flag at every full
 * collection): call it only where the process is the rebuild's (the CLI's `rebuild`,
 * the bench's rebuild child), not in a server that also rebuilds.
 */
export function boundHeapGrowthForRebuild(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${REBUILD_HEAP_GROWING_PERCENT}`);
}
