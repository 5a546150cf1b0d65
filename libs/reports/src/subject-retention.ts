import { IntervalJob } from '@app/config';
import { POLICY_STREAM } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { policyAt, subjectShreddedFact, subjectsDueForShredding } from '@app/retention';
import type { SubjectKeyStore } from '@app/subject-keys';
import { tenantState } from './tenant-view';

/** What one tenant's pass did: the subjects shredded now, and when to look at the tenant again. */
export interface TenantShredPass {
  shredded: string[];
  nextAt: number | undefined;
}

/**
 * The policy's own retention for one tenant (`ledger.shredSubjectsAfter`): folds the tenant,
 * records `SubjectShredded {trigger: "policy"}` for every subject due, then destroys their
 * keys in one batch (one storage clean-up). Fact first, key second, as `subjects shred` does.
 */
export async function shredDueSubjects(
  ledger: LedgerStore,
  keys: SubjectKeyStore,
  tenantId: string,
  now: Date,
): Promise<TenantShredPass> {
  const state = await tenantState(ledger, tenantId);
  if (state === undefined) return { shredded: [], nextAt: undefined };
  const { due, nextAt } = subjectsDueForShredding(state, now.getTime());
  if (due.length === 0) return { shredded: [], nextAt };
  const policy = policyAt(state, now.getTime());
  const reason = `ledger.shredSubjectsAfter ${policy.shredSubjectsAfter?.iso ?? ''} of policy ${policy.version}`;
  const facts = due.map((pseudonym) =>
    subjectShreddedFact(
      tenantId,
      { pseudonym, trigger: 'policy', forced: false, actor: 'policy', reason },
      now.toISOString(),
    ),
  );
  await ledger.appendBatch(facts, now);
  await keys.shred(tenantId, due, now);
  return { shredded: due, nextAt };
}

export interface SubjectRetentionDeps {
  ledger: LedgerStore;
  keys: SubjectKeyStore;
  clock: () => Date;
  /** How often to look (SHRED_INTERVAL). */
  intervalMs: number;
  log: {
    info: (obj: object, msg: string) => void;
    error: (obj: object, msg: string) => void;
  };
}

/**
 * Runs `shredDueSubjects` in the projector's process every SHRED_INTERVAL. A tenant is folded
 * again only when its stream moved on (new facts may settle a subject) or when its next
 * subject falls due, so a quiet ledger costs one read of the stream heads per interval.
 * Idempotent across processes: the fact's eventId is the pseudonym's, a second shred of a
 * key is `already-shredded`.
 */
export class SubjectRetention {
  private readonly job: IntervalJob;
  /** Per tenant: its head and the policy stream's head when last folded, and its next due time. */
  private readonly seen = new Map<string, { hash: string; nextAt: number | undefined }>();

  constructor(private readonly deps: SubjectRetentionDeps) {
    this.job = new IntervalJob(
      () => this.once(),
      deps.intervalMs,
      (err) => deps.log.error({ err }, 'subject retention pass failed; retried at the next interval'),
    );
  }

  start(): void {
    this.job.start();
  }

  /** One pass over the tenants; returns how many subjects it shredded. */
  async once(): Promise<number> {
    const now = this.deps.clock();
    let shredded = 0;
    const heads = await this.deps.ledger.streamHeads();
    // A new policy (another shredSubjectsAfter, or one at last) changes every tenant's schedule.
    const policyHash = heads.find((h) => h.tenantId === POLICY_STREAM)?.hash ?? '';
    // Most policies shred only on demand: then no tenant is folded at all (the policy stream is small).
    if (!(await this.policyShreds(now))) return 0;
    for (const head of heads) {
      if (this.job.isStopped) break;
      if (head.tenantId === POLICY_STREAM) continue;
      const last = this.seen.get(head.tenantId);
      const seenAs = `${head.hash}|${policyHash}`;
      if (
        last !== undefined &&
        last.hash === seenAs &&
        (last.nextAt === undefined || last.nextAt > now.getTime())
      )
        continue;
      const pass = await shredDueSubjects(this.deps.ledger, this.deps.keys, head.tenantId, now);
      // The pass appended its facts: the head moved, so remember the new one.
      const moved = pass.shredded.length > 0 ? await this.deps.ledger.streamHead?.(head.tenantId) : head;
      this.seen.set(head.tenantId, { hash: `${moved?.hash ?? ''}|${policyHash}`, nextAt: pass.nextAt });
      if (pass.shredded.length > 0) {
        shredded += pass.shredded.length;
        this.deps.log.info(
          { tenantId: head.tenantId, pseudonyms: pass.shredded },
          'subjects shredded by the policy (ledger.shredSubjectsAfter)',
        );
      }
    }
    return shredded;
  }

  /** Does the policy in force now have `ledger.shredSubjectsAfter`? */
  private async policyShreds(now: Date): Promise<boolean> {
    const policies = await tenantState(this.deps.ledger, POLICY_STREAM);
    return policies !== undefined && policyAt(policies, now.getTime()).shredSubjectsAfter !== null;
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
