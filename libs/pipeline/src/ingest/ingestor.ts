import type { SubjectSealer } from './subject-sealer';
import { parseSafely } from './parse-safely';
import { isEntry, NewEntry, ParseContext, RawRecord } from '@app/contracts';
import { backoffMs, BackoffOptions, faultKind } from '@app/config';
import { LedgerInputError, type AppendOutcome, type LedgerStore } from '@app/ledger';
import { DeadLetterSendError, type BatchControl, type Rejection } from '@app/kafka';
import { inputFaultText, isInputFault } from './input-fault';
import { KnownData, type Placement } from './known-data';
import { DeadLetteredRecords } from './dead-lettered';
import { contextFromHeaders, OpenSpan, openSpan, traceLinks, tracingOn } from '@app/config';

export interface IngestCounters {
  appended: number;
  duplicates: number;
  rejected: number;
  /** Records the ledger refused on their own after the batch append failed for their sake. */
  isolated: number;
  /** Waits before retrying a transient fault (store or broker unavailable). */
  transientRetries: number;
  /** Bad records of a redelivered batch that this process had dead-lettered already (not sent again). */
  redeliveredRejections: number;
}

export interface IngestorDeps {
  ledger: LedgerStore;
  /**
   * Must resolve only once the rejections are durable in the dead-letter topic. A failure
   * after some were sent throws DeadLetterSendError with how many (the retry sends the rest).
   */
  deadLetter: (rejections: Rejection[], rejectedAt: Date, between?: () => Promise<void>) => Promise<void>;
  parseContext: () => ParseContext;
  now: () => Date;
  /**
   * Semantic checks needing the ledger (a receipt's command, a hold release's placement): a
   * reason to reject, or undefined. `accepted`: the entries of this batch accepted before it.
   */
  check?: (entry: NewEntry, accepted: readonly NewEntry[]) => Promise<string | undefined>;
  /** Seals the batch's subject parts before the append (subject-sealer.ts); absent: stored plain. */
  seal?: SubjectSealer;
  retry?: BackoffOptions;
  sleep?: (ms: number) => Promise<void>;
  onTransient?: (err: unknown, attempt: number) => void;
}

const ALWAYS: BatchControl = { isRunning: () => true, heartbeat: async () => undefined };
const DEFAULT_RETRY: BackoffOptions = { initialMs: 100, maxMs: 5000 };

interface Candidate {
  entry: NewEntry;
  record: RawRecord;
}

/**
 * One batch from Kafka into the ledger: parse and validate every record, append the
 * valid ones in one transaction, dead-letter the rest. Each record is appended or
 * dead-lettered on its own: an append that fails because of one entry's content is
 * retried without it (the ledger names it) or bisected, so no record fails its batch.
 * Transient faults are retried with backoff and never dead-letter anything. The caller
 * commits offsets only after this resolves, so a crash at any point redelivers the
 * batch, and the ledger's eventId idempotency absorbs what was already appended.
 */
export class Ingestor {
  readonly counters: IngestCounters = {
    appended: 0,
    duplicates: 0,
    rejected: 0,
    isolated: 0,
    transientRetries: 0,
    redeliveredRejections: 0,
  };
  private readonly known: KnownData;
  private readonly deadLettered = new DeadLetteredRecords();

  constructor(private readonly deps: IngestorDeps) {
    this.known = new KnownData(deps.ledger);
  }

  async handle(records: RawRecord[], control: BatchControl = ALWAYS): Promise<void> {
    if (!tracingOn()) return this.append(records, control);
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
      await this.append(records, control, spans);
      for (const span of spans.values()) span?.end();
    } catch (err) {
      for (const span of spans.values()) span?.end(err);
      throw err;
    }
  }

  private async append(
    records: RawRecord[],
    control: BatchControl,
    spans?: Map<RawRecord, OpenSpan | undefined>,
  ): Promise<void> {
    const ctx = this.deps.parseContext();
    const candidates: Candidate[] = [];
    const rejections: Rejection[] = [];
    const creating = new Set<string>();
    const acceptedSoFar: NewEntry[] = [];
    for (const record of records) {
      const parsed = parseSafely(record, ctx);
      if (!parsed.ok) {
        rejections.push({ record, reason: parsed.reason });
        continue;
      }
      const check = this.deps.check;
      const reason = check && (await this.retrying(() => check(parsed.entry, acceptedSoFar), control));
      if (reason !== undefined) rejections.push({ record, reason });
      else {
        candidates.push({ entry: parsed.entry, record });
        acceptedSoFar.push(parsed.entry);
        if (parsed.entry.type === 'DataCreated') creating.add(parsed.entry.tenantId);
      }
    }
    await this.retrying(() => this.known.catchUp([...creating]), control);
    const pending = new Map<string, Placement>();
    const accepted = candidates.filter(({ entry, record }) => {
      const reason = isEntry(entry, 'DataCreated') ? this.known.conflict(entry, pending) : undefined;
      if (reason !== undefined) rejections.push({ record, reason });
      return reason === undefined;
    });
    const toAppend = await this.sealed(accepted, control);
    const appendStarted = Date.now();
    for (const { outcome, candidate } of await this.appendIsolating(toAppend, rejections, control)) {
      const span = spans?.get(candidate.record);
      if (span) {
        span.child('ledger.append', appendStarted, {
          eventId: candidate.entry.eventId,
          outcome: outcome.status,
        });
        // The projector, in this process, continues this trace from the entry.
        if (outcome.status === 'appended') traceLinks.remember(candidate.entry.eventId, span.ctx);
      }
      if (outcome.status === 'appended') {
        this.counters.appended++;
        this.known.observe(outcome.entry);
      } else if (outcome.status === 'duplicate') this.counters.duplicates++;
      else
        rejections.push({
          record: candidate.record,
          reason: outcome.reason,
        });
    }
    const fresh = rejections.filter((r) => !this.deadLettered.has(r.record));
    this.counters.redeliveredRejections += rejections.length - fresh.length;
    if (fresh.length > 0) {
      await control.heartbeat();
      await this.deadLetterAll(fresh, control);
      this.counters.rejected += fresh.length;
    }
  }

  /** The candidates with their subject parts sealed: one key store round trip, retried like the ledger. */
  private async sealed(candidates: Candidate[], control: BatchControl): Promise<Candidate[]> {
    const seal = this.deps.seal;
    if (seal === undefined || candidates.length === 0) return candidates;
    const entries = await this.retrying(
      () =>
        seal(
          candidates.map((c) => c.entry),
          this.deps.now(),
        ),
      control,
    );
    return candidates.map((c, i) => ({ entry: entries[i], record: c.record }));
  }

  /**
   * Dead-letters every rejection once: a retry after a partial publish sends only the rest,
   * and what is durable is remembered for a redelivery of the batch (DeadLetteredRecords).
   */
  private async deadLetterAll(rejections: Rejection[], control: BatchControl): Promise<void> {
    const rejectedAt = this.deps.now();
    let durable = 0;
    const sent = (n: number) => {
      this.deadLettered.add(rejections.slice(durable, durable + n).map((r) => r.record));
      durable += n;
    };
    await this.retrying(async () => {
      try {
        await this.deps.deadLetter(rejections.slice(durable), rejectedAt, () => control.heartbeat());
        sent(rejections.length - durable);
      } catch (err) {
        if (err instanceof DeadLetterSendError) sent(err.sent);
        throw err;
      }
    }, control);
  }

  /**
   * Appends the candidates; an entry the ledger refuses for its content is dead-lettered
   * and the rest appended without it. The ledger's own input check names the entry; other
   * input faults (a store's data exception) are found by halving the group.
   */
  private async appendIsolating(
    candidates: Candidate[],
    rejections: Rejection[],
    control: BatchControl,
  ): Promise<Array<{ outcome: AppendOutcome; candidate: Candidate }>> {
    const results: Array<{ outcome: AppendOutcome; candidate: Candidate }> = [];
    const groups: Candidate[][] = candidates.length > 0 ? [candidates] : [];
    while (groups.length > 0) {
      const group = groups.shift()!;
      try {
        const outcomes = await this.retrying(
          () =>
            this.deps.ledger.appendBatch(
              group.map((c) => c.entry),
              this.deps.now(),
            ),
          control,
        );
        outcomes.forEach((outcome, i) => results.push({ outcome, candidate: group[i] }));
      } catch (err) {
        if (err instanceof LedgerInputError && err.index >= 0 && err.index < group.length) {
          this.isolate(group[err.index], err, rejections);
          groups.unshift(group.filter((_, i) => i !== err.index));
        } else if (isInputFault(err)) {
          if (group.length === 1) this.isolate(group[0], err, rejections);
          else {
            const half = Math.ceil(group.length / 2);
            groups.unshift(group.slice(0, half), group.slice(half));
          }
        } else throw err;
      }
    }
    return results;
  }

  private isolate(candidate: Candidate, err: unknown, rejections: Rejection[]): void {
    this.counters.isolated++;
    rejections.push({
      record: candidate.record,
      reason: `the ledger refused the entry: ${inputFaultText(err)}`,
    });
  }

  /** Runs `op`, retrying transient faults with backoff while the consumer runs; anything else is thrown. */
  private async retrying<T>(op: () => Promise<T>, control: BatchControl): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (faultKind(err) !== 'transient' || !control.isRunning()) throw err;
        this.counters.transientRetries++;
        this.deps.onTransient?.(err, attempt);
        const wait = backoffMs(attempt, this.deps.retry ?? DEFAULT_RETRY);
        await (this.deps.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))))(wait);
        await control.heartbeat();
      }
    }
  }
}
