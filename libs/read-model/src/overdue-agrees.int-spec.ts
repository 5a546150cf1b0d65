import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import {
  isDueSoon,
  isOverdue,
  OBLIGATION_STATUSES,
  type Obligation,
  type ObligationStatus,
} from '@app/retention';
import { ObligationRecord, openReadModel } from '.';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-overdue-agrees-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-02-01T00:00:00.000Z');
const DAY = 86_400_000;
// Around each boundary of the two rules: the deadline itself and the 7-day window's end.
const OFFSETS = [-DAY, -1, 0, 1, 3 * DAY, 7 * DAY - 1, 7 * DAY, 7 * DAY + 1, 30 * DAY];

function rows(): ObligationRecord[] {
  return OBLIGATION_STATUSES.flatMap((status) =>
    OFFSETS.map((offset, i) => {
      const obligationId = `${status}-${i}`;
      const deadline = new Date(NOW + offset).toISOString();
      return {
        obligationId,
        tenantId: 'acme',
        region: 'eu',
        store: 'crm',
        status,
        dueAt: '2026-01-01T00:00:00.000Z',
        deadline,
        // The counts read only the columns (the fold writes whole obligations).
        detail: { obligationId } as Obligation,
      };
    }),
  );
}

describe.each([
  ['sqlite', () => `sqlite:${path.join(dir, `${randomBytes(4).toString('hex')}.db`)}`],
  [
    'postgres',
    () => `postgres://postgres@127.0.0.1:5432/postgres?schema=rm_${randomBytes(4).toString('hex')}`,
  ],
])('%s read model: the SQL counts pick the rows the domain rules pick', (_name, url) => {
  it('overdueCount = isOverdue and dueSoonCount = isDueSoon, over every status and boundary', async () => {
    const where = url();
    const rm = await openReadModel(where);
    const all = rows();
    await rm.write({ upserts: all, removals: [], checkpoint: '1' });
    const now = new Date(NOW);
    const asObligation = (r: ObligationRecord) => ({
      status: r.status as ObligationStatus,
      deadline: r.deadline,
    });
    const overdue = all.filter((r) => isOverdue(asObligation(r), now)).length;
    const dueSoon = all.filter((r) => isDueSoon(asObligation(r), now)).length;
    // The domain picks some rows and leaves others, so agreement is not trivial.
    expect(overdue).toBeGreaterThan(0);
    expect(overdue).toBeLessThan(all.length);
    expect(await rm.overdueCount(now)).toBe(overdue);
    expect(await rm.dueSoonCount(now, 7 * DAY)).toBe(dueSoon);
    await rm.close();
    const schema = new URL(where).searchParams.get('schema');
    if (schema !== null) {
      const pool = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    }
  });
});
