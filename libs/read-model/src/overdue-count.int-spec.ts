import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Obligation, ObligationStatus } from '@app/retention';
import { ObligationRecord, openReadModel } from '.';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-overdue-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ob(id: string, status: ObligationStatus, deadline: string): ObligationRecord {
  const dueAt = '2026-01-01T00:00:00.000Z';
  return {
    obligationId: id,
    tenantId: 'acme',
    region: 'eu',
    store: 'crm',
    status,
    dueAt,
    deadline,
    // Only the columns count here (the fold writes whole obligations).
    detail: { obligationId: id } as Obligation,
  };
}

describe.each([
  ['sqlite', () => `sqlite:${path.join(dir, `${randomBytes(4).toString('hex')}.db`)}`],
  [
    'postgres',
    () => `postgres://postgres@127.0.0.1:5432/postgres?schema=rm_${randomBytes(4).toString('hex')}`,
  ],
])('%s read model: overdueCount and dueSoonCount (for stats and /metrics)', (_name, url) => {
  it('counts past-deadline obligations that are neither confirmed nor cancelled', async () => {
    const rm = await openReadModel(url());
    const past = '2026-01-31T00:00:00.000Z';
    await rm.write({
      upserts: [
        ob('scheduled-late', 'scheduled', past),
        ob('issued-late', 'issued', past),
        ob('held-late', 'held', past),
        ob('failed-late', 'failed', past),
        ob('confirmed', 'confirmed', past),
        ob('cancelled', 'cancelled', past),
        ob('resolved', 'resolved', past),
        ob('not-yet', 'scheduled', '2026-03-01T00:00:00.000Z'),
      ],
      removals: [],
      checkpoint: '1',
    });
    expect(await rm.overdueCount(new Date('2026-02-01T00:00:00Z'))).toBe(4);
    expect(await rm.overdueCount(new Date('2026-01-30T00:00:00Z'))).toBe(0);
    await rm.close();
  });

  it('counts obligations still owed whose deadline is within the window, not those already past', async () => {
    const rm = await openReadModel(url());
    await rm.write({
      upserts: [
        ob('in-3-days', 'scheduled', '2026-01-04T00:00:00.000Z'),
        ob('in-7-days', 'failed', '2026-01-08T00:00:00.000Z'),
        ob('in-8-days', 'scheduled', '2026-01-09T00:00:00.000Z'),
        ob('past', 'scheduled', '2025-12-31T00:00:00.000Z'),
        ob('done', 'confirmed', '2026-01-04T00:00:00.000Z'),
        ob('waived', 'resolved', '2026-01-04T00:00:00.000Z'),
      ],
      removals: [],
      checkpoint: '1',
    });
    expect(await rm.dueSoonCount(new Date('2026-01-01T00:00:00Z'), 7 * 86_400_000)).toBe(2);
    await rm.close();
  });
});
