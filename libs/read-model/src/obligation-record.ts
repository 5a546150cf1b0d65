import { isObligationStatus, type Obligation, type ObligationStatus } from '@app/retention';

/**
 * An obligation as the read model stores and serves it: DESIGN.md's obligations JSON
 * (`obligationId` … `policyVersion`) plus whatever else the fold derived (flags, holds,
 * commands), kept whole in `detail` so the API and reports need no second lookup.
 */
export interface ObligationRecord {
  obligationId: string;
  tenantId: string;
  region: string;
  store: string;
  status: ObligationStatus;
  /** RFC 3339 UTC. */
  dueAt: string;
  deadline: string;
  /** The full derived obligation (the fold's `Obligation`), JSON-serialisable. */
  detail: Obligation;
}

export interface ProjectionWrite {
  upserts: ObligationRecord[];
  /** Obligation ids that no longer exist (e.g. a rule that stopped applying). */
  removals: string[];
  /** The ledger cursor after the last entry this write accounts for; undefined leaves it as it is. */
  checkpoint: string | undefined;
}

/**
 * An obligation as the store holds it, its `detail` still JSON text: for an answer that
 * passes the detail on as it is (the API's obligations page), instead of parsing each one
 * and serialising it again.
 */
export interface StoredObligation {
  readonly obligationId: string;
  readonly status: ObligationStatus;
  /** RFC 3339 UTC, as `detail.deadline`. */
  readonly deadline: string;
  /** `detail` as stored: the JSON text of one object. */
  readonly detailJson: string;
}

/** A replacement of the whole read model being written (see `ReadModel.load`). */
export interface ReadModelLoad {
  /** Adds obligations, none of whose ids was added before in this load. */
  add(records: ObligationRecord[]): Promise<void>;
  /** Replaces every obligation and the checkpoint with what was added, in one transaction. */
  commit(checkpoint: string | undefined): Promise<void>;
  /** Ends the load without committing (its rebuild failed): the read model stays as it was. */
  abort(): Promise<void>;
}

export interface ReadModel {
  /** Applies obligation changes and moves the checkpoint in one transaction. */
  write(change: ProjectionWrite): Promise<void>;
  checkpoint(): Promise<string | undefined>;
  obligations(tenantId: string): Promise<ObligationRecord[]>;
  /** The same obligations in the same order, each as stored (`detail` not parsed). */
  storedObligations(tenantId: string): Promise<StoredObligation[]>;
  obligation(obligationId: string): Promise<ObligationRecord | undefined>;
  obligationIds(tenantId: string): Promise<string[]>;
  /** Scheduled obligations whose due time has passed, oldest first; served by an index. */
  due(now: Date, limit: number): Promise<ObligationRecord[]>;
  /** Obligations in one status (e.g. `failed` for retries, `issued` for outbox recovery), oldest due first. */
  withStatus(status: ObligationStatus, limit: number): Promise<ObligationRecord[]>;
  countsByStatus(): Promise<Record<string, number>>;
  /**
   * `issued` obligations whose last command has no publication mark: issued to the ledger
   * but never (known to be) on Kafka — a failed publish, a crash in between.
   */
  unpublishedIssued(limit: number): Promise<ObligationRecord[]>;
  /**
   * `issued` obligations with fewer than `maxAttempts` commands whose last command was
   * published at or before `publishedBefore` and has no receipt yet, oldest first, each with
   * that publication's time (RFC 3339), which the dispatcher's `decide` reads.
   */
  awaitingReceipt(
    publishedBefore: Date,
    maxAttempts: number,
    limit: number,
  ): Promise<Array<ObligationRecord & { lastPublishedAt: string }>>;
  /**
   * `failed` obligations with attempts left (fewer than `maxAttempts` commands), the
   * earliest failure first: exhausted ones never crowd out a retry.
   */
  retryable(maxAttempts: number, limit: number): Promise<ObligationRecord[]>;
  /** `failed` obligations with no attempt left (at least `maxAttempts` commands). */
  countRetriesExhausted(maxAttempts: number): Promise<number>;
  /** Obligations past their deadline and neither confirmed, cancelled nor resolved (what `isOverdue` says), for /metrics. */
  overdueCount(now: Date): Promise<number>;
  /** Obligations still owed whose deadline falls within `withinMs` of `now` (not yet passed), for stats and /metrics. */
  dueSoonCount(now: Date, withinMs: number): Promise<number>;
  /**
   * The dispatcher's publication marks: which issued commands reached Kafka. Not derived
   * from the ledger, so a rebuild forgets them and the dispatcher publishes the issued,
   * unconfirmed commands again; stores dedupe by commandId.
   */
  markPublished(commandIds: string[], at: Date): Promise<void>;
  published(commandIds: string[]): Promise<Set<string>>;
  /**
   * Starts replacing every obligation and the checkpoint (a rebuild): readers see the
   * current ones until the load commits; an uncommitted load leaves them as they are.
   * Publication marks stay (dispatcher state). One load at a time per read model.
   */
  load(): Promise<ReadModelLoad>;
  close(): Promise<void>;
}

/** A status column read back from a store: one the fold derives, or the read model is not this version's. */
export function storedStatus(text: string, obligationId: string): ObligationStatus {
  if (isObligationStatus(text)) return text;
  throw new Error(
    `the read model holds obligation ${obligationId} with status "${text}", which this version does not know: rebuild it (retention-ledger rebuild)`,
  );
}
