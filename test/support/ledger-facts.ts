import { NewEntry, parseRecord, POLICY_STREAM, TopicNames } from '@app/contracts';
import fs from 'node:fs';
import { LedgerStore, openLedger } from '@app/ledger';
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

/** The distinct eventIds of every tenant stream (the policy stream left out), read page by page. */
export async function tenantEventIds(ledger: LedgerStore): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const page = await ledger.readAll(after, 10_000);
    for (const e of page.entries) if (e.tenantId !== POLICY_STREAM) ids.add(e.eventId);
    if (page.entries.length === 0 || page.last === undefined) break;
    after = page.last;
  }
  return ids;
}

/**
 * Entries of a SQLite ledger file less the PolicyActivated entry `run` records: the events
 * ingested so far (0 before the file exists). Opens and closes the file each time, so it can
 * poll a ledger another process writes.
 */
export async function eventsInLedger(file: string): Promise<number> {
  if (!fs.existsSync(file)) return 0;
  const ledger = await openLedger(`sqlite:${file}`);
  try {
    return Math.max(0, (await ledger.counts()).entries - 1);
  } finally {
    await ledger.close();
  }
}
