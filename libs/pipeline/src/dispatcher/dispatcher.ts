import type { DeletionCommand, LedgerEntry, NewEntry } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import type { ObligationRecord, ReadModel } from '@app/read-model';
import { decide, type DispatchRules } from '@app/retention';
import { OpenSpan, openSpan, traceLinks, tracingOn } from '@app/config';
import { commandIdFor, issuedEventId } from './command-id';
import { buildCommand, issuedCommands } from './deletion-command.builder';
import type { SubjectRevealer } from './reveal-subjects';

export interface DispatcherOptions {
  batchSize: number;
  /** Attempts per obligation, the first included; after the last failure it stays failed. */
  maxAttempts: number;
  /** Backoff before attempt n+1 = retryBaseMs × 2^(n-1). */
  retryBaseMs: number;
  /** RECEIPT_TIMEOUT: a published command with no receipt for this long is issued again as a new attempt. */
  receiptTimeoutMs: number;
  /**
   * How often a pass also looks for issued-but-unpublished commands and missing receipts
   * (both scan the issued obligations); at once after a failed publish. Default 10 s.
   */
  sweepIntervalMs?: number;
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
  /**
   * Names each subject target's subject for its store (reveal-subjects.ts). Absent: commands
   * are published as the read model holds them (a ledger without sealed subjects).
   */
  reveal?: SubjectRevealer;
  /** Told of each command `reveal` refused; it stays unpublished and the sweep asks again. */
  onRefused?: (command: DeletionCommand, reason: string) => void;
  /** Failpoint for crash tests: runs between the ledger append and the publish. */
  afterAppend?: () => void;
}

export interface DispatchCounters {
  issued: number;
  published: number;
  /** Commands issued as attempt 2 or later (after a failure receipt or a receipt timeout). */
  retried: number;
  /** Commands issued again because the previous attempt had no receipt within RECEIPT_TIMEOUT. */
  receiptTimeouts: number;
  /** Publishes that failed; their commands are published again by a later pass. */
  publishFailures: number;
  /** Commands not published because their subject could not be named (shredded or unknown). */
  refused: number;
}

type Work = { o: ObligationRecord; attempt: number; receiptTimeout?: boolean };
type Candidate = { o: ObligationRecord; lastPublishedAt?: string };

const SWEEP_INTERVAL_MS = 10_000;

/**
 * Issues due obligations. The ledger is the outbox: `DeletionCommandIssued` is appended
 * first, then the command is published and the publication marked. Whatever was issued
 * but not marked (a crash in between, Kafka down) is published again by a later pass —
 * the sweep, every `sweepIntervalMs` and right after a failed publish; regional stores
 * dedupe by commandId. The sweep also issues a new attempt for a command whose receipt
 * is overdue (RECEIPT_TIMEOUT). Retries read only obligations with attempts left.
 *
 * What to issue is decided by the domain (`decide` in libs/retention/src/dispatch): the
 * read model's queries pick the candidates, `decide` says which attempt is due (due,
 * retry after backoff, receipt timeout) and which wait or have no attempt left.
 */
export class Dispatcher {
  readonly counters: DispatchCounters = {
    issued: 0,
    published: 0,
    retried: 0,
    receiptTimeouts: 0,
    publishFailures: 0,
    refused: 0,
  };
  private lastSweep: number | undefined;
  private sweepNow = true;

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly opts: DispatcherOptions,
  ) {}

  /** One pass; returns how many commands it published. */
  async tick(): Promise<number> {
    const now = this.deps.now();
    const sweep = this.sweepDue(now);
    const republished = sweep ? await this.recover() : 0;
    const rm = this.deps.readModel;
    const candidates: Candidate[] = [
      ...(await rm.due(now, this.opts.batchSize)).map((o) => ({ o })),
      ...(await rm.retryable(this.opts.maxAttempts, this.opts.batchSize)).map((o) => ({ o })),
      ...(sweep ? await this.awaitingReceipt(now) : []),
    ];
    const work = await this.leased<Work>(this.decided(candidates, now));
    const commands = await this.issue(work, now);
    if (commands.length > 0) this.deps.afterAppend?.();
    return republished + (await this.publishUnmarked(commands, now));
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

  /** Issued commands not marked published (a failed publish, a crash): publish them again. */
  async recover(): Promise<number> {
    const now = this.deps.now();
    const work: Array<{ o: ObligationRecord; attempt: number; commandId: string; issuedAt: string }> = [];
    for (const o of await this.deps.readModel.unpublishedIssued(this.opts.batchSize)) {
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

  private sweepDue(now: Date): boolean {
    // With leases, the sweep also takes over a dead dispatcher's commands once its leases ran out.
    const every = Math.min(
      this.opts.sweepIntervalMs ?? SWEEP_INTERVAL_MS,
      this.deps.recoverEveryMs ?? Infinity,
    );
    if (!this.sweepNow && this.lastSweep !== undefined && now.getTime() - this.lastSweep < every)
      return false;
    this.sweepNow = false;
    this.lastSweep = now.getTime();
    return true;
  }

  /** Published commands with no receipt within RECEIPT_TIMEOUT and attempts left (the query's side of `decide`). */
  private async awaitingReceipt(now: Date): Promise<Candidate[]> {
    const before = new Date(now.getTime() - this.opts.receiptTimeoutMs);
    const rows = await this.deps.readModel.awaitingReceipt(
      before,
      this.opts.maxAttempts,
      this.opts.batchSize,
    );
    return rows.map(({ lastPublishedAt, ...o }) => ({ o, lastPublishedAt }));
  }

  /** The attempts `decide` says are due now; backoffs, waits and exhausted budgets issue nothing. */
  private decided(candidates: Candidate[], now: Date): Work[] {
    const { maxAttempts, retryBaseMs, receiptTimeoutMs } = this.opts;
    const rules: DispatchRules = { maxAttempts, retryBaseMs, receiptTimeoutMs };
    const command = { type: 'Dispatch', now: now.getTime(), rules } as const;
    const work: Work[] = [];
    for (const { o, lastPublishedAt } of candidates) {
      for (const event of decide(command, { obligation: o.detail, lastPublishedAt })) {
        if (event.type !== 'AttemptDue') continue;
        work.push(
          event.cause === 'receipt-timeout'
            ? { o, attempt: event.attempt, receiptTimeout: true }
            : { o, attempt: event.attempt },
        );
      }
    }
    return work;
  }

  private async issue(work: Work[], now: Date): Promise<DeletionCommand[]> {
    if (work.length === 0) return [];
    const issuedAt = now.toISOString();
    const planned = work.map(({ o, attempt, receiptTimeout }) => ({
      o,
      attempt,
      receiptTimeout,
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
      const { o, attempt, commandId, receiptTimeout } = planned[i];
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
        if (receiptTimeout) this.counters.receiptTimeouts++;
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

  /** The commands whose subjects could be named; the rest are reported and left unpublished. */
  private async revealed(commands: DeletionCommand[]): Promise<DeletionCommand[]> {
    if (this.deps.reveal === undefined || commands.length === 0) return commands;
    const { ready, refused } = await this.deps.reveal(commands);
    for (const { command, reason } of refused) this.deps.onRefused?.(command, reason);
    this.counters.refused += refused.length;
    return ready;
  }

  private async publishUnmarked(commands: DeletionCommand[], now: Date): Promise<number> {
    if (commands.length === 0) return 0;
    const done = await this.deps.readModel.published(commands.map((c) => c.commandId));
    const unpublished = commands.filter((c) => !done.has(c.commandId));
    const todo = await this.revealed(unpublished);
    if (todo.length === 0) return 0;
    try {
      await this.deps.publish(todo);
    } catch (err) {
      // Issued but not on Kafka: the next pass sweeps them up, whatever the projector did meanwhile.
      this.counters.publishFailures++;
      this.sweepNow = true;
      throw err;
    }
    await this.deps.readModel.markPublished(
      todo.map((c) => c.commandId),
      now,
    );
    this.counters.published += todo.length;
    return todo.length;
  }
}
