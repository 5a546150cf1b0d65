import type { PgTables } from './postgres-schema';

/**
 * Global reads that never skip a late commit (docs/scale-out.md, "high-water mark").
 *
 * Appends to different streams run in parallel, so a plain sequence would let a
 * reader see position 12 commit before 11 and move its cursor past 11 for good.
 * Instead each append allocates its block of positions and its transaction id
 * (xid8) together under a mutex held for that one call (`allocate_positions`,
 * microseconds), so among ledger writers position order is xid order. A global
 * reader then returns only rows whose transaction is older than the oldest one still
 * running (`pg_snapshot_xmin` of the statement's own snapshot): those transactions
 * are all over, and every lower position belongs to an even older one, so what it
 * returns is always a gap-free prefix of what will ever commit. A rolled-back
 * append leaves a gap that is simply never filled. The price: a reader waits for
 * the slowest open writer — or any long transaction with an xid in the cluster.
 */

/** The condition a row must meet to be visible to global readers. */
export const SAFE_ROW = 'tx_id < pg_snapshot_xmin(pg_current_snapshot())';

export interface HighWaterSql {
  sequence: string;
  allocate: string;
}

export function highWaterNames(t: PgTables): HighWaterSql {
  return { sequence: `${t.schema}.ledger_position`, allocate: `${t.schema}.allocate_positions` };
}

/**
 * DDL (idempotent, run under the open lock): the position sequence, caught up with
 * entries written before it existed, the tx_id column, and the allocation function.
 * `mutexKey` is the session advisory lock key that orders allocations.
 */
export function highWaterSchemaSql(t: PgTables, mutexKey: number): string {
  const { sequence, allocate } = highWaterNames(t);
  return `
CREATE SEQUENCE IF NOT EXISTS ${sequence} AS BIGINT MINVALUE 1;
ALTER TABLE ${t.entries} ADD COLUMN IF NOT EXISTS tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
SELECT setval('${sequence}', m) FROM (SELECT max(global_position) AS m FROM ${t.entries}) s
  WHERE m IS NOT NULL AND m >= (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM ${sequence});
CREATE OR REPLACE FUNCTION ${allocate}(n integer) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  first bigint;
BEGIN
  -- The xid must be assigned here, inside the mutex, or xid order and position order could differ.
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'allocate_positions must be the first write of its transaction';
  END IF;
  PERFORM pg_advisory_lock(${mutexKey});
  BEGIN
    PERFORM pg_current_xact_id();
    first := nextval('${sequence}');
    IF n > 1 THEN PERFORM setval('${sequence}', first + n - 1); END IF;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(${mutexKey});
    RAISE;
  END;
  PERFORM pg_advisory_unlock(${mutexKey});
  RETURN first;
END
$fn$;
`;
}
