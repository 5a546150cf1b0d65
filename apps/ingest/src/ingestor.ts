import { NewEntry, parseRecord, ParseContext, RawRecord } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import type { Rejection } from '@app/kafka';
import { contextFromHeaders, OpenSpan, openSpan, traceLinks, tracingOn } from '@app/config';

export interface IngestCounters {
  appended: number;
  duplicates: number;
  rejected: number;
}

export interface IngestorDeps {
  ledger: LedgerStore;
  /** Must resolve only once the rejections are durable in the dead-letter topic. */
  deadLetter: (rejections: Rejection[], rejectedAt: Date) => Promise<void>;
  parseContext: () => ParseContext;
  now: () => Date;
  /**
   * Semantic checks needing the ledger (a receipt's command, a hold release's placement): a
   * reason to reject, or undefined. `accepted`: the entries of this batch accepted before it.
   */
  check?: (entry: NewEntry, accepted: readonly NewEntry[]) => Promise<string | undefined>;
}

/**
 * One batch from Kafka into the ledger: parse and validate every record, append the
 * valid ones in one transaction, dead-letter the rest. The caller commits offsets only
 * after this resolves, so a crash at any point redelivers the batch, and the ledger's
 * eventId idempotency absorbs what was already appended.
 */
export class Ingestor {
  readonly counters: IngestCounters = { appended: 0, duplicates: 0, rejected: 0 };

  constructor(private readonly deps: IngestorDeps) {}

  async handle(records: RawRecord[]): Promise<void> {
    if (!tracingOn()) return this.append(records);
    // One span per record, a child of its producer's (traceparent header) when it sent one.
    const spans = new Map<RawRecord, OpenSpan | undefined>();
    for (const r of records) {
      spans.set(
        r,
        openSpan(`ingest ${r.topic}`, {
          parent: contextFromHeaders(r.headers),
          kind: 'consumer',
          attributes: { 'messaging.destination.name': r.topic, 'messaging.kafka.offset': r.offset },
        }),
      );
    }
    try {
      await this.append(records, spans);
      for (const span of spans.values()) span?.end();
    } catch (err) {
      for (const span of spans.values()) span?.end(err);
      throw err;
    }
  }

  private async append(records: RawRecord[], spans?: Map<RawRecord, OpenSpan | undefined>): Promise<void> {
    const ctx = this.deps.parseContext();
    const entries: NewEntry[] = [];
    const sources: RawRecord[] = [];
    const rejections: Rejection[] = [];
    for (const record of records) {
      const parsed = parseRecord(record, ctx);
      const reason = parsed.ok ? await this.deps.check?.(parsed.entry, entries) : parsed.reason;
      if (parsed.ok && reason === undefined) {
        entries.push(parsed.entry);
        sources.push(record);
      } else {
        rejections.push({ record, reason: reason ?? 'rejected' });
      }
    }
    const appendStarted = Date.now();
    const outcomes = entries.length > 0 ? await this.deps.ledger.appendBatch(entries) : [];
    outcomes.forEach((outcome, i) => {
      const span = spans?.get(sources[i]);
      if (span) {
        span.child('ledger.append', appendStarted, { eventId: entries[i].eventId, outcome: outcome.status });
        // The projector, in this process, continues this trace from the entry.
        if (outcome.status === 'appended') traceLinks.remember(entries[i].eventId, span.ctx);
      }
      if (outcome.status === 'appended') this.counters.appended++;
      else if (outcome.status === 'duplicate') this.counters.duplicates++;
      else rejections.push({ record: sources[i], reason: `eventId "${outcome.eventId}": ${outcome.reason}` });
    });
    if (rejections.length > 0) {
      await this.deps.deadLetter(rejections, this.deps.now());
      this.counters.rejected += rejections.length;
    }
  }
}
