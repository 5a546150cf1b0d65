import { SETTLED_STATUSES } from '@app/retention';

/**
 * SQL mirrors of the domain's "still owed" and "overdue" (`isOwed`, `isOverdue` in
 * libs/retention/src/status/overdue.ts), built from the same status list, for the counts
 * the read models must filter in SQL. `overdue-agrees.int-spec.ts` proves both read
 * models count exactly the rows the domain functions pick.
 */
export const OWED_SQL = `status NOT IN (${SETTLED_STATUSES.map((s) => `'${s}'`).join(', ')})`;
