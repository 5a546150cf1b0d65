import type {
  DeletedBy,
  EntryDataByType,
  EntryType,
  HoldContext,
  NewEntry,
  Resolution,
} from '@app/contracts/entry-types';
import type { Policy } from '../policy/policy';
import { canonicalPolicyJson } from '../policy/canonical';
import { sha256Hex } from '../internal/sha256';

/** A time: days after the builder's start (fractions allowed), or an ISO-8601 instant. */
export type At = number | string;

interface Common {
  /** Default: `<type>-<n>`, unique within the builder. */
  eventId?: string;
  /** Default: day 0. */
  at?: At;
}

const DAY = 86_400_000;

/**
 * Short ledger entries for specs: `e.dataCreated({ dataId: 'd1', subjectId: 'u1', at: 2 })`.
 * Defaults: tenant `t1`, category `personal`, region `eu`, store `main`, time =
 * days after 2025-01-01T00:00:00Z.
 */
export class EntryBuilder {
  private counter = 0;
  private readonly startMillis: number;

  constructor(
    readonly tenantId = 't1',
    readonly start = '2025-01-01T00:00:00.000Z',
  ) {
    this.startMillis = Date.parse(start);
  }

  /** ISO instant `days` after the start. */
  day(days: number): string {
    return new Date(this.startMillis + days * DAY).toISOString();
  }

  time(at: At | undefined): string {
    if (at === undefined) return this.day(0);
    return typeof at === 'number' ? this.day(at) : new Date(Date.parse(at)).toISOString();
  }

  private entry<T extends EntryType>(
    type: T,
    common: Common,
    data: EntryDataByType[T],
    subjectId?: string | null,
  ): NewEntry<T> {
    this.counter += 1;
    return {
      eventId: common.eventId ?? `${type}-${this.counter}`,
      tenantId: this.tenantId,
      type,
      occurredAt: this.time(common.at),
      data,
      subject: subjectId ? { subjectId } : null,
      source: null,
    };
  }

  dataCreated(
    o: Common & { dataId: string; subjectId?: string; category?: string; region?: string; store?: string },
  ) {
    return this.entry(
      'DataCreated',
      o,
      {
        dataId: o.dataId,
        category: o.category ?? 'personal',
        region: o.region ?? 'eu',
        store: o.store ?? 'main',
      },
      o.subjectId,
    );
  }

  dataDeleted(o: Common & { dataId: string; deletedBy?: DeletedBy }) {
    return this.entry('DataDeleted', o, { dataId: o.dataId, deletedBy: o.deletedBy ?? 'user' });
  }

  userDeleted(o: Common & { subjectId: string; deletedBy?: DeletedBy }) {
    return this.entry('UserDeleted', o, { deletedBy: o.deletedBy ?? 'admin' }, o.subjectId);
  }

  subscriptionEnded(o: Common & { expedite?: boolean } = {}) {
    return this.entry('SubscriptionEnded', o, o.expedite ? { expedite: true } : {});
  }

  dataRestored(o: Common & { dataId: string }) {
    return this.entry('DataRestored', o, { dataId: o.dataId });
  }

  userRestored(o: Common & { subjectId: string }) {
    return this.entry('UserRestored', o, {}, o.subjectId);
  }

  /** Operator facts: actor and reason default to `ops` and `test`. */
  retried(o: Common & { obligationId: string; actor?: string; reason?: string }) {
    return this.entry('ObligationRetried', o, {
      obligationId: o.obligationId,
      actor: o.actor ?? 'ops',
      reason: o.reason ?? 'test',
    });
  }

  resolved(o: Common & { obligationId: string; resolution: Resolution; actor?: string; reason?: string }) {
    return this.entry('ObligationResolved', o, {
      obligationId: o.obligationId,
      resolution: o.resolution,
      actor: o.actor ?? 'ops',
      reason: o.reason ?? 'test',
    });
  }

  extended(o: Common & { obligationId: string; until: At; actor?: string; reason?: string }) {
    return this.entry('ObligationExtended', o, {
      obligationId: o.obligationId,
      until: this.time(o.until),
      actor: o.actor ?? 'ops',
      reason: o.reason ?? 'test',
    });
  }

  subjectShredded(o: Common & { pseudonym: string; forced?: boolean; trigger?: 'operator' | 'policy' }) {
    return this.entry('SubjectShredded', o, {
      pseudonym: o.pseudonym,
      trigger: o.trigger ?? 'operator',
      forced: o.forced ?? false,
      actor: 'ops',
      reason: 'test',
    });
  }

  ledgerMigrated(o: Common = {}) {
    return this.entry('LedgerMigrated', o, {
      sourcePosition: 3,
      sourceHash: '0'.repeat(64),
      sealedSubjectParts: 1,
      actor: 'ops',
      reason: 'test',
    });
  }

  subscriptionReactivated(o: Common = {}) {
    return this.entry('SubscriptionReactivated', o, {});
  }

  holdPlaced(
    o: Common & { holdId: string; subjectId?: string; dataId?: string; category?: string } & HoldContext,
  ) {
    const { holdId, dataId, category, reason, caseRef, placedBy } = o;
    const data = { holdId, dataId, category, reason, caseRef, placedBy };
    return this.entry('LegalHoldPlaced', o, withoutUndefined(data), o.subjectId);
  }

  holdReleased(o: Common & { holdId: string } & HoldContext) {
    const { holdId, reason, caseRef, placedBy } = o;
    return this.entry('LegalHoldReleased', o, withoutUndefined({ holdId, reason, caseRef, placedBy }));
  }

  /** `at` is the ledger time; `issuedAt` defaults to it. */
  commandIssued(
    o: Common & {
      obligationId: string;
      commandId: string;
      attempt?: number;
      region?: string;
      store?: string;
      issuedAt?: At;
    },
  ) {
    return this.entry('DeletionCommandIssued', o, {
      commandId: o.commandId,
      obligationId: o.obligationId,
      region: o.region ?? 'eu',
      store: o.store ?? 'main',
      issuedAt: this.time(o.issuedAt ?? o.at),
      attempt: o.attempt ?? 1,
    });
  }

  confirmed(
    o: Common & {
      commandId: string;
      region?: string;
      store?: string;
      completedAt?: At;
      deletedCount?: number;
    },
  ) {
    return this.entry('DeletionConfirmed', o, {
      commandId: o.commandId,
      region: o.region ?? 'eu',
      store: o.store ?? 'main',
      completedAt: this.time(o.completedAt ?? o.at),
      ...(o.deletedCount !== undefined ? { deletedCount: o.deletedCount } : {}),
    });
  }

  failed(
    o: Common & { commandId: string; region?: string; store?: string; completedAt?: At; error?: string },
  ) {
    return this.entry('DeletionFailed', o, {
      commandId: o.commandId,
      region: o.region ?? 'eu',
      store: o.store ?? 'main',
      completedAt: this.time(o.completedAt ?? o.at),
      ...(o.error !== undefined ? { error: o.error } : {}),
    });
  }

  /** As the policy loader appends it: the canonical policy and its SHA-256. */
  policyActivated(o: Common & { policy: Policy; version?: string }) {
    const canonical = canonicalPolicyJson(o.policy);
    return this.entry('PolicyActivated', o, {
      version: o.version ?? o.policy.version,
      contentHash: sha256Hex(canonical),
      policy: JSON.parse(canonical) as unknown,
    });
  }
}

/** Optional fields are left out rather than set to undefined (as the ingest writes them). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
