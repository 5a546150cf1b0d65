import type { PgTables } from './postgres-schema';

/**
 * Global reads that never skip a late commit (docs/scale-out.md, "high-water mark").
 *
 * Appends to different streams run in parallel, so a plain sequence would let a
 * reader see position 12 commit before 11 and move its cursor past 11 for good.
 * Instead each append allocates its block of positions and its transaction id
 * (xid8) together under a mutex held for that one call (`allocate_positions`,
 * microseconds), so among ledger writers position order is xid order. A global
 * reader then returns only rows whose transaction is older than the oldest ledger
 * writer still running in the statement's own snapshot (`read_bound`): those writers
 * are all over, and every lower position belongs to an even older one, so what it
 * returns is always a gap-free prefix of what will ever commit. A rolled-back
 * append leaves a gap that is simply never filled. The price: a reader waits for
 * the slowest open append of its own ledger.
 *
 * "Ledger writer" is scoped, not cluster-wide: xids are shared by every database
 * of the server, so `pg_snapshot_xmin` alone would let any open write transaction
 * anywhere (a migration, another ledger's append, a session left idle in
 * transaction) stop every reader. Each append takes a shared transaction lock in
 * its ledger's writer key space before its xid exists; `read_bound` skips the
 * snapshot's running xids whose transaction is still running and holds no such lock
 * (pg_locks). An xid that ended between the snapshot and the look at pg_locks
 * cannot be told apart, so it still bounds: that read stops short once, the next
 * one does not. A transaction that had an xid before it called `allocate_positions`
 * is refused, so a foreign transaction can never turn into a writer later.
 */

export interface HighWaterSql {
  sequence: string;
  allocate: string;
  readBound: string;
}

export function highWaterNames(t: PgTables): HighWaterSql {
  return {
    sequence: `${t.schema}.ledger_position`,
    allocate: `${t.schema}.allocate_positions`,
    readBound: `${t.schema}.read_bound`,
  };
}

/** The condition a row `alias` must meet to be visible to global readers (evaluated once a statement). */
export function safeRowSql(t: PgTables, alias?: string): string {
  return `${alias === undefined ? '' : `${alias}.`}tx_id < (SELECT ${highWaterNames(t).readBound}())`;
}

export interface HighWaterKeys {
  /** The session advisory lock (one bigint) that orders allocations. */
  mutex: number;
  /** The two-int advisory key space `(writers, 0)` every open append holds shared. */
  writers: number;
}

/**
 * DDL (idempotent, run under the open lock): the position sequence, caught up with
 * entries written before it existed, the tx_id column, the allocation function and
 * the readers' bound.
 */
export function highWaterSchemaSql(t: PgTables, keys: HighWaterKeys): string {
  const { sequence, allocate, readBound } = highWaterNames(t);
  const { mutex: mutexKey, writers } = keys;
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
  -- Marks this transaction as a writer of this ledger for read_bound, until it ends.
  PERFORM pg_advisory_xact_lock_shared(${writers}, 0);
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
CREATE OR REPLACE FUNCTION ${readBound}() RETURNS xid8 LANGUAGE sql STABLE AS $fn$
  WITH locks AS MATERIALIZED (
    SELECT locktype, virtualtransaction, transactionid, classid, objid, objsubid, database, mode, granted
    FROM pg_locks WHERE locktype IN ('transactionid', 'advisory')
  ), writers AS (
    SELECT virtualtransaction FROM locks
    WHERE locktype = 'advisory' AND classid = (${writers})::int4::oid AND objid = 0 AND objsubid = 2
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
  ), foreign_running AS (
    SELECT transactionid FROM locks
    WHERE locktype = 'transactionid' AND mode = 'ExclusiveLock' AND granted
      AND virtualtransaction NOT IN (SELECT virtualtransaction FROM writers)
  )
  SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
  FROM pg_snapshot_xip(pg_current_snapshot()) AS x
  WHERE x::xid NOT IN (SELECT transactionid FROM foreign_running)
$fn$;
`;
}
