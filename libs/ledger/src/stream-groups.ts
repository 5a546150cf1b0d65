import type { EntryFacts, LedgerEntry } from '@app/contracts/entry-types';
import { READ_STREAMS_PAGE, type FactsPage, type LedgerStore, type StreamPrefix } from './ledger-store';

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

/**
 * `readStreamsGrouped` through `readStreams`: the streams, by their heads, in groups of
 * about `groupEntries` entries, each group read with one `readStreams` (a few queries per
 * group rather than one per stream). Streams created after the heads were read are left
 * out; entries appended meanwhile to the streams read are left out too.
 */
export async function* groupsByHeads(
  store: Pick<LedgerStore, 'streamHeads' | 'readStreams'>,
  groupEntries: number,
): AsyncIterable<FactsPage> {
  const heads = await store.streamHeads();
  for (let i = 0; i < heads.length;) {
    const group: StreamPrefix[] = [];
    let entries = 0;
    while (i < heads.length && (group.length === 0 || entries + heads[i].position <= groupEntries)) {
      group.push({ tenantId: heads[i].tenantId, before: heads[i].position + 1 });
      entries += heads[i].position;
      i++;
    }
    for await (const facts of store.readStreams(group)) yield { facts, streamsComplete: false };
    yield { facts: [], streamsComplete: true };
  }
}

/** Positions `from`..`to` (inclusive, 1-based) of a tenant's stream. */
export interface StreamRange {
  tenantId: string;
  from: number;
  to: number;
}

/**
 * Cuts stream ranges into pages of at most `pageEntries` entries, in the order given; a
 * range longer than a page is split. Positions are contiguous, so a range's length is
 * the number of entries it holds: each page is one bounded query, with no LIMIT and no
 * cursor to carry between pages. Empty ranges are dropped.
 */
export function rangePages(ranges: readonly StreamRange[], pageEntries: number): StreamRange[][] {
  const size = Math.max(1, Math.floor(pageEntries));
  const pages: StreamRange[][] = [];
  let page: StreamRange[] = [];
  let room = size;
  for (const r of ranges) {
    let from = Math.max(1, r.from);
    while (from <= r.to) {
      const to = Math.min(r.to, from + room - 1);
      page.push({ tenantId: r.tenantId, from, to });
      room -= to - from + 1;
      from = to + 1;
      if (room === 0) {
        pages.push(page);
        page = [];
        room = size;
      }
    }
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/** `readStreams` for stores without a grouped read: one `readStream` per stream, collected into pages. */
export async function* streamsOneAtATime(
  store: Pick<LedgerStore, 'readStream'>,
  streams: readonly StreamPrefix[],
  pageEntries = READ_STREAMS_PAGE,
): AsyncIterable<EntryFacts[]> {
  let page: EntryFacts[] = [];
  for (const { tenantId, before } of streams) {
    if (before !== undefined && before <= 1) continue;
    for await (const entry of store.readStream(tenantId, 1, before === undefined ? undefined : before - 1)) {
      page.push(factsOf(entry));
      if (page.length >= pageEntries) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length > 0) yield page;
}
