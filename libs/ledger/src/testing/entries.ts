import type { NewEntry } from '@app/contracts/entry-types';

let counter = 0;

/** A DataCreated entry with a subject and a source; override anything. */
export function dataCreated(overrides: Partial<NewEntry<'DataCreated'>> = {}): NewEntry<'DataCreated'> {
  counter++;
  return {
    eventId: `evt-${counter}`,
    tenantId: 'tenant-a',
    type: 'DataCreated',
    occurredAt: new Date(Date.UTC(2024, 0, 1, 0, 0, counter % 60, counter % 1000)).toISOString(),
    data: { dataId: `data-${counter}`, category: 'personal', region: 'eu', store: 'crm' },
    subject: { subjectId: `user-${counter % 7}` },
    source: { topic: 'data-created', partition: counter % 3, offset: String(counter) },
    ...overrides,
  };
}

/** A SubscriptionEnded entry: no subject, no data. */
export function subscriptionEnded(
  overrides: Partial<NewEntry<'SubscriptionEnded'>> = {},
): NewEntry<'SubscriptionEnded'> {
  counter++;
  return {
    eventId: `evt-${counter}`,
    tenantId: 'tenant-a',
    type: 'SubscriptionEnded',
    occurredAt: new Date(Date.UTC(2024, 5, 1)).toISOString(),
    data: {},
    subject: null,
    source: null,
    ...overrides,
  };
}
