import { isSealed, POLICY_STREAM, type LedgerEntry, type NewEntry } from '@app/contracts';
import type { LedgerStore, StreamHead } from '@app/ledger';
import { OPERATOR_EVENT_ID_PREFIX, type Obligation } from '@app/retention';
import type { SubjectKeyStore } from '@app/subject-keys';
import { tenantObligations } from './tenant-view';

/** A migration that cannot start or did not come out equal; the message says which check. */
export class MigrationRefusal extends Error {
  override readonly name = 'MigrationRefusal';
  constructor(
    message: string,
    /** A check the data failed (verify, the comparison, an entry refused), not a misuse: exit 1, not 2. */
    readonly failedCheck = true,
  ) {
    super(message);
  }
}

export interface MigrationOutcome {
  entries: number;
  streams: number;
  sealedSubjectParts: number;
  /** Obligations compared equal, source against target (ids, status, due, deadline, subject). */
  obligations: number;
}

export interface MigrationOptions {
  /** Seals a page of entries as ingest would (pipeline's `subjectSealer`). */
  seal: (entries: readonly NewEntry[], now: Date) => Promise<NewEntry[]>;
  keys: SubjectKeyStore;
  who: { actor: string; reason: string };
  now: Date;
  onProgress?: (done: number, total: number) => void;
}

const PAGE = 2000;

function asNew(e: LedgerEntry): NewEntry {
  return {
    eventId: e.eventId,
    tenantId: e.tenantId,
    type: e.type,
    occurredAt: e.occurredAt,
    data: e.data,
    subject: e.subject,
    source: e.source,
  };
}

/** Appends one page, each run of entries with one recordedAt as one batch: arrival times are kept. */
async function appendKeepingTimes(target: LedgerStore, page: readonly LedgerEntry[], sealed: NewEntry[]) {
  for (let i = 0; i < page.length;) {
    let j = i + 1;
    while (j < page.length && page[j].recordedAt === page[i].recordedAt) j++;
    const outcomes = await target.appendBatch(sealed.slice(i, j), new Date(page[i].recordedAt));
    const refused = outcomes.find((o) => o.status !== 'appended');
    if (refused)
      throw new MigrationRefusal(`the target refused an entry of the source: ${JSON.stringify(refused)}`);
    i = j;
  }
}

/**
 * `ledger migrate`: copies a ledger whose subject parts are plain into an empty ledger where they
 * are sealed (docs/subject-data.md). The source must verify; every entry is appended in global
 * order with its eventId, times, data and source, streams keep their positions; each tenant
 * stream then ends with a `LedgerMigrated` fact naming the source head it continues; the target
 * must verify; and each tenant's obligations folded from both must be equal — the same ids,
 * statuses and dates, each subject target naming the pseudonym of the source's subject id.
 */
export async function migrateLedger(
  source: LedgerStore,
  target: LedgerStore,
  opts: MigrationOptions,
): Promise<MigrationOutcome> {
  const checked = await source.verify();
  if (!checked.ok)
    throw new MigrationRefusal(
      `the source does not verify (${checked.tenantId} position ${checked.position}: ${checked.reason})`,
    );
  if ((await target.counts()).entries > 0)
    throw new MigrationRefusal('the target ledger is not empty', false);
  const heads = (await source.streamHeads()).filter((h) => h.tenantId !== POLICY_STREAM);
  let done = 0;
  let sealedSubjectParts = 0;
  const sealedBy = new Map<string, number>();
  for (let cursor: string | undefined; ;) {
    const page = await source.readAll(cursor, PAGE);
    if (page.entries.length === 0) break;
    const sealed = await opts.seal(page.entries.map(asNew), opts.now);
    page.entries.forEach((e, i) => {
      if (e.subject !== null && !isSealed(e.subject) && sealed[i].subject !== null) {
        sealedSubjectParts++;
        sealedBy.set(e.tenantId, (sealedBy.get(e.tenantId) ?? 0) + 1);
      }
    });
    await appendKeepingTimes(target, page.entries, sealed);
    done += page.entries.length;
    opts.onProgress?.(done, checked.entries);
    cursor = page.last;
  }
  await target.appendBatch(
    heads.map((h) => migratedFact(h, sealedBy.get(h.tenantId) ?? 0, opts)),
    opts.now,
  );
  const after = await target.verify();
  if (!after.ok)
    throw new MigrationRefusal(
      `the target does not verify (${after.tenantId} position ${after.position}: ${after.reason})`,
    );
  let obligations = 0;
  for (const { tenantId } of heads)
    obligations += await compareObligations(source, target, opts.keys, tenantId);
  return { entries: done, streams: checked.streams, sealedSubjectParts, obligations };
}

function migratedFact(head: StreamHead, sealed: number, opts: MigrationOptions): NewEntry<'LedgerMigrated'> {
  return {
    eventId: `${OPERATOR_EVENT_ID_PREFIX}ledger-migrated:${head.tenantId}`,
    tenantId: head.tenantId,
    type: 'LedgerMigrated',
    occurredAt: opts.now.toISOString(),
    data: { sourcePosition: head.position, sourceHash: head.hash, sealedSubjectParts: sealed, ...opts.who },
    subject: null,
    source: null,
  };
}

/** What must be equal of an obligation, its subject named by pseudonym. */
async function comparable(o: Obligation, keys: SubjectKeyStore, plain: boolean) {
  let target: unknown = o.target;
  if (plain && o.target.kind === 'subject')
    target = {
      ...o.target,
      subjectId: (await keys.findPseudonym(o.tenantId, o.target.subjectId)) ?? '(no pseudonym)',
    };
  return JSON.stringify({ ...o, target });
}

async function compareObligations(
  source: LedgerStore,
  target: LedgerStore,
  keys: SubjectKeyStore,
  tenantId: string,
): Promise<number> {
  const before = await tenantObligations(source, tenantId);
  const after = await tenantObligations(target, tenantId);
  const a = await Promise.all(before.map((o) => comparable(o, keys, true)));
  const b = await Promise.all(after.map((o) => comparable(o, keys, false)));
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
    const first = a.findIndex((x, i) => x !== b[i]);
    throw new MigrationRefusal(
      `tenant ${tenantId}: the migrated ledger derives other obligations (${before.length} before, ${after.length} after; ` +
        `first difference at ${before[first]?.obligationId ?? after[first]?.obligationId})`,
    );
  }
  return before.length;
}
