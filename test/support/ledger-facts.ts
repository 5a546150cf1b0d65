import { NewEntry, parseRecord, TopicNames } from '@app/contracts';
import { lifecycleEvents } from './fixtures';

/** The fixture events as ledger entries, through the same parser ingest uses. */
export function lifecycleEntries(n: number, opts: { tenants?: number; seed?: string } = {}): NewEntry[] {
  const topics = new TopicNames('', ['eu', 'us']);
  const ctx = {
    topics,
    categories: new Set(['personal', 'audit-log']),
    regions: new Set(['eu', 'us']),
    now: new Date('2100-01-01T00:00:00Z'),
    maxFutureSkewMs: 0,
    minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
    maxMessageBytes: 1 << 20,
  };
  return lifecycleEvents(n, opts).map((e, i) => {
    const parsed = parseRecord(
      {
        topic: topics.lifecycle(e.topic),
        partition: 0,
        offset: String(i),
        key: Buffer.from(e.key),
        value: Buffer.from(JSON.stringify(e.value)),
        headers: {},
      },
      ctx,
    );
    if (!parsed.ok) throw new Error(`fixture ${i} rejected: ${parsed.reason}`);
    return parsed.entry;
  });
}
