import type { NewEntry } from '@app/contracts';
import { EntryBuilder, obligationIds } from '@app/retention/testing';

/**
 * One tenant's month of operations, for the HTML report's browser test and its screenshot:
 * a store that failed, a bulk retry that then succeeded, an obligation closed by hand, an
 * extended deadline, and a legal hold with its reason, case and who placed it.
 */
export function operationsStory(tenantId: string, start = '2025-03-01T00:00:00.000Z'): NewEntry[] {
  const e = new EntryBuilder(tenantId, start);
  const ids = obligationIds(tenantId);
  const ev = (id: string) => `${tenantId}-${id}`;
  const out: NewEntry[] = [];
  const items = ['invoice-1', 'invoice-2', 'invoice-3', 'contract-7'];
  for (const dataId of items) {
    out.push(e.dataCreated({ eventId: ev(`created-${dataId}`), dataId, store: 'billing', at: 0 }));
    out.push(e.dataDeleted({ eventId: ev(`deleted-${dataId}`), dataId, at: 2 }));
  }
  // The contract is under a legal hold from before its deletion until day 9.
  out.push(
    e.holdPlaced({
      eventId: ev('hold-placed'),
      holdId: 'CASE-42',
      dataId: 'contract-7',
      reason: 'litigation hold: Acme v. Globex',
      caseRef: 'ACME-2025-042',
      placedBy: 'legal@acme.example',
      at: 1,
    }),
    e.holdReleased({ eventId: ev('hold-released'), holdId: 'CASE-42', reason: 'case settled', at: 9 }),
  );
  // The store fails the first attempt of every invoice.
  items.slice(0, 3).forEach((dataId, i) => {
    out.push(
      e.commandIssued({
        eventId: ev(`issued-${i}-1`),
        obligationId: ids.dataDeleted(dataId),
        commandId: `${tenantId}-c${i}-1`,
        store: 'billing',
        at: 2.1,
      }),
      e.failed({
        eventId: ev(`failed-${i}`),
        commandId: `${tenantId}-c${i}-1`,
        store: 'billing',
        at: 2.2,
        error: 'disk full',
      }),
    );
  });
  const op = (n: string) => `op:${tenantId}-${n}`;
  out.push(
    e.resolved({
      eventId: op('resolve-1'),
      obligationId: ids.dataDeleted('invoice-1'),
      resolution: 'done-manually',
      actor: 'k_3f9a0c2b7d1e',
      reason: 'DBA purged the rows by hand (ticket OPS-12)',
      at: 4,
    }),
    e.extended({
      eventId: op('extend-2'),
      obligationId: ids.dataDeleted('invoice-2'),
      until: 45,
      actor: 'alice@ops',
      reason: 'vendor outage, DPO approved',
      at: 5,
    }),
  );
  for (const [i, dataId] of [
    [1, 'invoice-2'],
    [2, 'invoice-3'],
  ] as const) {
    out.push(
      e.retried({
        eventId: op(`retry-${i}`),
        obligationId: ids.dataDeleted(dataId),
        actor: 'alice@ops',
        reason: 'disk replaced',
        at: 6,
      }),
      e.commandIssued({
        eventId: ev(`issued-${i}-2`),
        obligationId: ids.dataDeleted(dataId),
        commandId: `${tenantId}-c${i}-2`,
        attempt: 2,
        store: 'billing',
        at: 6.1,
      }),
      e.confirmed({
        eventId: ev(`confirmed-${i}`),
        commandId: `${tenantId}-c${i}-2`,
        store: 'billing',
        at: 6.2,
        deletedCount: 1,
      }),
    );
  }
  // The contract's purge, dispatched after the release.
  out.push(
    e.commandIssued({
      eventId: ev('issued-7'),
      obligationId: ids.dataDeleted('contract-7'),
      commandId: `${tenantId}-c7-1`,
      store: 'billing',
      at: 9.1,
    }),
    e.confirmed({
      eventId: ev('confirmed-7'),
      commandId: `${tenantId}-c7-1`,
      store: 'billing',
      at: 9.2,
      deletedCount: 1,
    }),
  );
  return out;
}
