import type { NewEntry } from '@app/contracts/entry-types';

/**
 * Deterministic, realistic-looking ledger input for benches: mostly
 * DataCreated with a subject, some deletions and legal holds, spread round-robin
 * over `tenants` streams (as a Kafka topic keyed by tenant delivers them).
 */
export function syntheticEntries(count: number, tenants: number): NewEntry[] {
  const entries: NewEntry[] = new Array(count);
  const base = Date.UTC(2024, 0, 1);
  for (let i = 0; i < count; i++) {
    const tenantId = `tenant-${String(i % tenants).padStart(4, '0')}`;
    const occurredAt = new Date(base + i * 1000).toISOString();
    const source = { topic: 'data-created', partition: i % 12, offset: String(Math.floor(i / 12)) };
    const kind = i % 20;
    if (kind < 16) {
      entries[i] = {
        eventId: `evt-${i}`,
        tenantId,
        type: 'DataCreated',
        occurredAt,
        data: {
          dataId: `data-${i}`,
          category: kind % 4 === 0 ? 'audit-log' : 'personal',
          region: i % 2 ? 'eu' : 'us',
          store: 'crm',
        },
        subject: { subjectId: `user-${i % 5000}@example.com` },
        source,
      };
    } else if (kind < 19) {
      entries[i] = {
        eventId: `evt-${i}`,
        tenantId,
        type: 'DataDeleted',
        occurredAt,
        data: { dataId: `data-${i - 17}`, deletedBy: 'user' },
        subject: null,
        source: { ...source, topic: 'data-deleted' },
      };
    } else {
      entries[i] = {
        eventId: `evt-${i}`,
        tenantId,
        type: 'LegalHoldPlaced',
        occurredAt,
        data: { holdId: `hold-${i}` },
        subject: { subjectId: `user-${i % 5000}@example.com` },
        source: { ...source, topic: 'legal-hold' },
      };
    }
  }
  return entries;
}
