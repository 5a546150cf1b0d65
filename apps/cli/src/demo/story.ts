import type { LifecycleTopic } from '@app/contracts';

/** One event of the story: published `atMs` after the story starts, with that event time. */
export interface StoryEvent {
  atMs: number;
  topic: LifecycleTopic;
  value: Record<string, unknown>;
  /** What a person watching should read. */
  note: string;
}

export interface StoryExpectations {
  /** Rows that must be gone from the stores at the end, by region. */
  purged: Array<{ region: string; tenantId: string; dataId: string }>;
  /** Rows that must still be there at the end. */
  kept: Array<{ region: string; tenantId: string; dataId: string }>;
  /** Rows under the legal hold: still there before its release, gone after. */
  heldUntilRelease: Array<{ region: string; tenantId: string; dataId: string }>;
  /** When the hold is released, relative to the story's start. */
  releaseAtMs: number;
}

/**
 * DESIGN.md's demo: two tenants in two regions, users deleting data, an admin deleting a
 * user, a subscription ending, another ending then reactivating, a legal hold placed and
 * released. Event ids carry `run` so repeated runs never collide.
 */
export function demoStory(run: string): { events: StoryEvent[]; expect: StoryExpectations } {
  const events: StoryEvent[] = [];
  let n = 0;
  const add = (
    atMs: number,
    topic: LifecycleTopic,
    tenantId: string,
    fields: Record<string, unknown>,
    note: string,
  ) => events.push({ atMs, topic, note, value: { eventId: `${run}-${++n}`, tenantId, ...fields } });
  const data = (
    atMs: number,
    tenantId: string,
    region: string,
    dataId: string,
    category: string,
    subjectId?: string,
  ) =>
    add(
      atMs,
      'data-created',
      tenantId,
      { dataId, category, region, store: 'main', ...(subjectId ? { subjectId } : {}) },
      `${tenantId}: ${category} data ${dataId}${subjectId ? ` of ${subjectId}` : ''} stored in ${region}`,
    );

  // acme keeps its data in the EU.
  data(0, 'acme', 'eu', 'acme-alice-profile', 'personal', 'alice');
  data(0, 'acme', 'eu', 'acme-alice-photo', 'personal', 'alice');
  data(0, 'acme', 'eu', 'acme-alice-login-log', 'audit-log', 'alice');
  data(0, 'acme', 'eu', 'acme-bob-profile', 'personal', 'bob');
  data(0, 'acme', 'eu', 'acme-bob-messages', 'personal', 'bob');
  data(0, 'acme', 'eu', 'acme-bob-login-log', 'audit-log', 'bob');
  data(0, 'acme', 'eu', 'acme-dave-profile', 'personal', 'dave');
  // globex and initech keep theirs in the US.
  data(0, 'globex', 'us', 'globex-carol-profile', 'personal', 'carol');
  data(0, 'globex', 'us', 'globex-carol-notes', 'personal', 'carol');
  data(0, 'globex', 'us', 'globex-billing-export', 'personal');
  data(0, 'globex', 'us', 'globex-admin-log', 'audit-log');
  data(0, 'initech', 'us', 'initech-erin-profile', 'personal', 'erin');
  data(0, 'initech', 'us', 'initech-admin-log', 'audit-log');

  add(
    2000,
    'data-deleted',
    'acme',
    { dataId: 'acme-alice-photo', deletedBy: 'user' },
    'acme: alice deletes her photo',
  );
  add(
    2000,
    'data-deleted',
    'globex',
    { dataId: 'globex-carol-notes', deletedBy: 'user' },
    'globex: carol deletes her notes',
  );
  add(
    3000,
    'user-deleted',
    'acme',
    { subjectId: 'bob', deletedBy: 'admin' },
    'acme: an admin deletes user bob (his audit log stays)',
  );
  add(
    3000,
    'legal-hold',
    'acme',
    {
      holdId: 'case-42',
      action: 'placed',
      subjectId: 'dave',
      reason: 'litigation hold: Dave v. Acme',
      caseRef: 'ACME-2026-042',
      placedBy: 'legal@acme.example',
    },
    'acme: legal hold case-42 on dave',
  );
  add(
    4000,
    'user-deleted',
    'acme',
    { subjectId: 'dave', deletedBy: 'user' },
    'acme: dave deletes his account (held)',
  );
  add(
    4000,
    'subscription-ended',
    'globex',
    {},
    'globex: subscription ends (expired 3 s, disabled 9 s, then purge)',
  );
  add(4000, 'subscription-ended', 'initech', {}, 'initech: subscription ends');
  add(6000, 'subscription-reactivated', 'initech', {}, 'initech: reactivates in time (nothing is purged)');
  add(
    9000,
    'legal-hold',
    'acme',
    { holdId: 'case-42', action: 'released', reason: 'case settled', placedBy: 'legal@acme.example' },
    'acme: legal hold case-42 released',
  );

  const eu = (tenantId: string, dataId: string) => ({ region: 'eu', tenantId, dataId });
  const us = (tenantId: string, dataId: string) => ({ region: 'us', tenantId, dataId });
  return {
    events,
    expect: {
      purged: [
        eu('acme', 'acme-alice-photo'),
        eu('acme', 'acme-bob-profile'),
        eu('acme', 'acme-bob-messages'),
        eu('acme', 'acme-dave-profile'),
        us('globex', 'globex-carol-profile'),
        us('globex', 'globex-carol-notes'),
        us('globex', 'globex-billing-export'),
        // Audit logs go after their (compressed) year.
        eu('acme', 'acme-alice-login-log'),
        eu('acme', 'acme-bob-login-log'),
        us('globex', 'globex-admin-log'),
        us('initech', 'initech-admin-log'),
      ],
      kept: [eu('acme', 'acme-alice-profile'), us('initech', 'initech-erin-profile')],
      heldUntilRelease: [eu('acme', 'acme-dave-profile')],
      releaseAtMs: 9000,
    },
  };
}

export const DEMO_TENANTS = ['acme', 'globex', 'initech'];
