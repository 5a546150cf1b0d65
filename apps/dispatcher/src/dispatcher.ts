import type { DeletionCommand, LedgerEntry, NewEntry } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import type { ObligationRecord, ReadModel } from '@app/read-model';
import { OpenSpan, openSpan, traceLinks, tracingOn } from '@app/config';
import { commandIdFor, issuedEventId } from './command-id';
import { buildCommand, issuedCommands } from './deletion-command.builder';

export interface DispatcherOptions {
  batchSize: number;
  /** Attempts per obligation, the first included; after the last failure it stays failed. */
  maxAttempts: number;
  /** Backoff before attempt n+1 = retryBaseMs × 2^(n-1). */
  retryBaseMs: number;
}

export interface DispatcherDeps {
  ledger: LedgerStore;
  readModel: ReadModel;
  /** Publishes to `deletion-commands.<command.region>`; resolves once Kafka has it. */
  publish: (commands: DeletionCommand[]) => Promise<void>;
  now: () => Date;
  /** Reads one ledger entry by eventId (the outbox lookup). */
  findIssued: (eventId: string) => Promise<LedgerEntry | undefined>;
  /**
   * Claims leases on `dispatch:<obligationId>:<attempt>` names and returns those granted
   * (docs/scale-out.md). Absent: this dispatcher is the only one and owns everything.
   */
  claim?: (names: string[]) => Promise<Set<string>>;
  /** How often to look for issued commands nobody published (a dead dispatcher's); default never after start. */
  recoverEveryMs?: number;
  /** Failpoint for crash tests: runs between the ledger append and the publish. */
  afterAppend?: () => void;
}

export interface DispatchCounters {
  issued: number;
  published: number;
  retried: number;
}

/**
 * Issues due obligations. The ledger is the outbox: `DeletionCommandIssued` is appended
 * first, then the command is published and the publication marked. Whatever was issued
 * but not marked (a crash in between, Kafka down) is published again on the next pass;
 * regional stores dedupe by commandId.
 */
export class Dispatcher {
  readonly counters: DispatchCounters = { issued: 0, published: 0, retried: 0 };
  private lastRecoverMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly opts: DispatcherOptions,
  ) {}

  /** One pass; returns how many commands it published. */
  async tick(): Promise<number> {
    const now = this.deps.now();
    let recovered = 0;
    const every = this.deps.recoverEveryMs;
    if (every !== undefined && now.getTime() - this.lastRecoverMs >= every) recovered = await this.recover();
    const due = await this.deps.readModel.due(now, this.opts.batchSize);
    const retries = await this.retriesDue(now);
    const work = await this.leased([
      ...due.map((o) => ({ o, attempt: issuedCommands(o).length + 1 })),
      ...retries,
    ]);
    const commands = await this.issue(work, now);
    if (commands.length > 0) this.deps.afterAppend?.();
    return recovered + (await this.publishUnmarked(commands, now));
  }

  /**
   * The work whose lease this dispatcher holds. Leases are not released after the
   * publish: they run out, by which time the projector has folded the issue and the
   * obligation is no longer due, so no other dispatcher publishes it again meanwhile.
   */
  private async leased<W extends { o: ObligationRecord; attempt: number }>(work: W[]): Promise<W[]> {
    if (this.deps.claim === undefined || work.length === 0) return work;
    const name = (w: W) => `dispatch:${w.o.obligationId}:${w.attempt}`;
    const granted = await this.deps.claim(work.map(name));
    return work.filter((w) => granted.has(name(w)));
  }

  /** Issued commands not yet marked published (after a crash): publish them again. */
  async recover(): Promise<number> {
    const now = this.deps.now();
    this.lastRecoverMs = now.getTime();
    const work: Array<{ o: ObligationRecord; attempt: number; commandId: string; issuedAt: string }> = [];
    for (const o of await this.deps.readModel.withStatus('issued', 100_000)) {
      const last = issuedCommands(o).at(-1);
      if (last) work.push({ o, attempt: last.attempt, commandId: last.commandId, issuedAt: last.issuedAt });
    }
    // Only unpublished ones need a lease: another dispatcher may be publishing them right now.
    const done = await this.deps.readModel.published(work.map((w) => w.commandId));
    const mine = await this.leased(work.filter((w) => !done.has(w.commandId)));
    return this.publishUnmarked(
      mine.map((w) => buildCommand(w.o, w.commandId, w.issuedAt)),
      now,
    );
  }

  private async retriesDue(now: Date): Promise<Array<{ o: ObligationRecord; attempt: number }>> {
    const out: Array<{ o: ObligationRecord; attempt: number }> = [];
    for (const o of await this.deps.readModel.withStatus('failed', this.opts.batchSize)) {
      const commands = issuedCommands(o);
      const attempts = commands.length;
      // An operator's retry (`obligations retry`) gives the obligation a fresh budget of attempts.
      const retriedAt = Date.parse(String((o.detail as { retriedAt?: string }).retriedAt ?? ''));
      const sinceRetry = Number.isNaN(retriedAt)
        ? attempts
        : commands.filter((c) => Date.parse(c.issuedAt) >= retriedAt).length;
      if (sinceRetry >= this.opts.maxAttempts) continue;
      const failedAt = Date.parse(String((o.detail as { failedAt?: string }).failedAt ?? ''));
      const backoff = this.opts.retryBaseMs * 2 ** Math.max(0, sinceRetry - 1);
      if (Number.isNaN(failedAt) || failedAt + backoff <= now.getTime())
        out.push({ o, attempt: attempts + 1 });
    }
    return out;
  }

  private async issue(
    work: Array<{ o: ObligationRecord; attempt: number }>,
    now: Date,
  ): Promise<DeletionCommand[]> {
    if (work.length === 0) return [];
    const issuedAt = now.toISOString();
    const planned = work.map(({ o, attempt }) => ({
      o,
      attempt,
      commandId: commandIdFor(o.obligationId, attempt),
    }));
    const entries: NewEntry<'DeletionCommandIssued'>[] = planned.map(({ o, attempt, commandId }) => ({
      eventId: issuedEventId(commandId),
      tenantId: o.tenantId,
      type: 'DeletionCommandIssued',
      occurredAt: issuedAt,
      data: { commandId, obligationId: o.obligationId, region: o.region, store: o.store, issuedAt, attempt },
      subject: null,
      source: null,
    }));
    // Each command continues the trace of the obligation it serves (see traceLinks).
    const spans: Array<OpenSpan | undefined> = !tracingOn()
      ? []
      : planned.map(({ o, commandId, attempt }) =>
          openSpan('dispatcher.issue', {
            parent: traceLinks.recall(o.obligationId),
            attributes: { obligationId: o.obligationId, commandId, attempt },
          }),
        );
    const appendStarted = Date.now();
    const outcomes = await this.deps.ledger.appendBatch(entries, now);
    const commands: DeletionCommand[] = [];
    for (let i = 0; i < planned.length; i++) {
      const { o, attempt, commandId } = planned[i];
      const outcome = outcomes[i];
      const span = spans[i];
      if (span) {
        span.child('ledger.append', appendStarted, { eventId: entries[i].eventId, outcome: outcome.status });
        traceLinks.remember(commandId, span.ctx);
        span.end();
      }
      if (outcome.status === 'appended') {
        this.counters.issued++;
        if (attempt > 1) this.counters.retried++;
        commands.push(buildCommand(o, commandId, issuedAt));
      } else {
        // Issued before (by us before a crash, or by another dispatcher): same id, its own issuedAt.
        const existing = await this.deps.findIssued(issuedEventId(commandId));
        const at = (existing?.data as { issuedAt?: string } | undefined)?.issuedAt ?? issuedAt;
        commands.push(buildCommand(o, commandId, at));
      }
    }
    return commands;
  }

  private async publishUnmarked(commands: DeletionCommand[], now: Date): Promise<number> {
    if (commands.length === 0) return 0;
    const done = await this.deps.readModel.published(commands.map((c) => c.commandId));
    const todo = commands.filter((c) => !done.has(c.commandId));
    if (todo.length === 0) return 0;
    await this.deps.publish(todo);
    await this.deps.readModel.markPublished(
      todo.map((c) => c.commandId),
      now,
    );
    this.counters.published += todo.length;
    return todo.length;
  }
}
