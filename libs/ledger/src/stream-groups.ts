import type { EntryFacts, LedgerEntry } from '@app/contracts/entry-types';
import type { FactsPage, LedgerStore } from './ledger-store';

/** The facts of an entry, without its envelope and source. */
export function factsOf(entry: LedgerEntry): EntryFacts {
  return {
    eventId: entry.eventId,
    tenantId: entry.tenantId,
    type: entry.type,
    occurredAt: entry.occurredAt,
    data: entry.data,
    subject: entry.subject,
  };
}

/**
 * `readStreamsGrouped` for stores without a cheaper grouped read: one stream per group,
 * read with `readStream` (what a rebuild did before the grouped read existed).
 */
export async function* streamsOneByOne(
  store: Pick<LedgerStore, 'streamHeads' | 'readStream'>,
  pageSize = 1000,
): AsyncIterable<FactsPage> {
  for (const head of await store.streamHeads()) {
    let facts: EntryFacts[] = [];
    for await (const entry of store.readStream(head.tenantId)) {
      facts.push(factsOf(entry));
      if (facts.length >= pageSize) {
        yield { facts, streamsComplete: false };
        facts = [];
      }
    }
    yield { facts, streamsComplete: true };
  }
}
