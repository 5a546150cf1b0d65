import type { LedgerEntry } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import {
  shredBlockers,
  shredRefusal,
  subjectObligations,
  subjectShreddedEventId,
  subjectShreddedFact,
  type Obligation,
  type ShredBlockers,
} from '@app/retention';
import type { SubjectKeyStore, SubjectLookup } from '@app/subject-keys';
import { OperatorRefusal } from './operator-actions';
import { requireKnownTenant, tenantState } from './tenant-view';

/** Names the subject by id (looked up, never created) or by pseudonym (after a shred the id is unknown). */
export type SubjectName = { subjectId: string } | { pseudonym: string };

export interface ShredOutcomeView {
  tenantId: string;
  pseudonym: string;
  /** The SubjectShredded fact's eventId; `recorded`: appended now, or found from an earlier try. */
  eventId: string;
  recorded: 'appended' | 'already-recorded';
  forced: boolean;
  /** What a shred without --force would have refused for (empty lists when nothing). */
  blockers: ShredBlockers;
  shreddedAt: string;
}

async function pseudonymOf(keys: SubjectKeyStore, tenantId: string, name: SubjectName): Promise<string> {
  if ('pseudonym' in name) return name.pseudonym;
  const found = await keys.findPseudonym(tenantId, name.subjectId);
  // The id is personal data: the message never repeats it.
  if (found === undefined)
    throw new OperatorRefusal(`no subject by that id in tenant ${tenantId} (or it was shredded)`);
  return found;
}

/**
 * `subjects shred`: refuses while the subject's obligations are owed or a hold covers it,
 * unless `force` (then the fact records `forced: true`). Appends `SubjectShredded` first and
 * destroys the key second: a crash between them leaves a fact whose key is still there, and
 * the next `subjects shred` finds the fact (same eventId) and finishes; the other order could
 * lose the fact. The reason is recorded in the ledger, so it must not hold the subject's id.
 */
export async function shredSubject(
  ledger: LedgerStore,
  keys: SubjectKeyStore,
  request: { tenantId: string; subjectId: string; actor: string; reason: string; force: boolean },
  now: Date,
): Promise<ShredOutcomeView> {
  const { tenantId, subjectId, actor, reason, force } = request;
  if (reason.includes(subjectId) || actor.includes(subjectId))
    throw new OperatorRefusal(
      "--reason and --actor are recorded in the ledger: they must not contain the subject's id",
    );
  await requireKnownTenant(ledger, tenantId);
  const pseudonym = await pseudonymOf(keys, tenantId, { subjectId });
  const state = await tenantState(ledger, tenantId);
  const blockers = state ? shredBlockers(state, pseudonym) : { pendingObligationIds: [], holdIds: [] };
  const refusal = shredRefusal(blockers);
  if (refusal !== undefined && !force)
    throw new OperatorRefusal(
      `subject ${pseudonym} not shredded: ${refusal} (--force overrides, and is recorded)`,
    );
  const entry = subjectShreddedFact(
    tenantId,
    { pseudonym, trigger: 'operator', forced: refusal !== undefined, actor, reason },
    now.toISOString(),
  );
  const [outcome] = await ledger.appendBatch([entry], now);
  if (outcome.status === 'conflict') {
    // An earlier try recorded the fact with other words (actor, reason, time): it stands.
    if ((await ledger.findByEventId(entry.eventId)) === undefined) throw new OperatorRefusal(outcome.reason);
  }
  const [shred] = await keys.shred(tenantId, [pseudonym], now);
  return {
    tenantId,
    pseudonym,
    eventId: entry.eventId,
    recorded: outcome.status === 'appended' ? 'appended' : 'already-recorded',
    forced: refusal !== undefined,
    blockers,
    shreddedAt: shred.status === 'unknown' ? now.toISOString() : shred.shreddedAt,
  };
}

export interface SubjectView {
  tenantId: string;
  pseudonym: string;
  /** The key store's answer: the id while the key exists, when it was shredded otherwise. */
  key: SubjectLookup;
  data: Array<{ dataId: string; category: string; region: string; store: string; deleted: boolean }>;
  obligations: Obligation[];
  holdIds: string[];
  /** The SubjectShredded fact, once recorded. */
  shredded: Pick<LedgerEntry, 'eventId' | 'streamPosition' | 'hash' | 'recordedAt' | 'data'> | undefined;
}

/** `subjects show`: what the system holds about one subject, where, what it owes, and its shred proof. */
export async function subjectView(
  ledger: LedgerStore,
  keys: SubjectKeyStore,
  tenantId: string,
  name: SubjectName,
): Promise<SubjectView> {
  await requireKnownTenant(ledger, tenantId);
  const pseudonym = await pseudonymOf(keys, tenantId, name);
  const state = await tenantState(ledger, tenantId);
  const data = (state?.subjects.get(pseudonym)?.data ?? [])
    .filter((d) => d.subjectId === pseudonym && !Number.isNaN(d.createdAt))
    .map((d) => ({
      dataId: d.dataId,
      category: d.category ?? '',
      region: d.store?.region ?? '',
      store: d.store?.store ?? '',
      deleted: d.deletedAt !== null,
    }));
  const fact = await ledger.findByEventId(subjectShreddedEventId(pseudonym));
  return {
    tenantId,
    pseudonym,
    key: await keys.lookup(tenantId, pseudonym),
    data,
    obligations: state ? subjectObligations(state, pseudonym) : [],
    holdIds: state ? shredBlockers(state, pseudonym).holdIds : [],
    shredded:
      fact === undefined
        ? undefined
        : {
            eventId: fact.eventId,
            streamPosition: fact.streamPosition,
            hash: fact.hash,
            recordedAt: fact.recordedAt,
            data: fact.data,
          },
  };
}
