import { LifecycleTopic } from '@app/contracts';

/** Contract-v1 event values, as a producer would publish them (DESIGN.md "Public contract v1"). */
export interface FixtureEvent {
  topic: LifecycleTopic;
  key: string;
  value: Record<string, unknown>;
}

const BASE = Date.parse('2026-01-01T00:00:00Z');

function at(i: number): string {
  return new Date(BASE + i * 1000).toISOString();
}

/**
 * `n` valid events spread over `tenants` tenants and every lifecycle topic; deterministic
 * for a given seed text, so a test can regenerate and compare. The kind of event cycles
 * with period 10: with a tenant count sharing a factor with 10 (20, 100) each tenant gets
 * only some kinds, unless `spreadKinds` moves the tenants on by one every round of them.
 */
export function lifecycleEvents(
  n: number,
  opts: { tenants?: number; seed?: string; regions?: string[]; spreadKinds?: boolean } = {},
): FixtureEvent[] {
  const tenants = opts.tenants ?? 20;
  const seed = opts.seed ?? 's';
  const regions = opts.regions ?? ['eu', 'us'];
  const out: FixtureEvent[] = [];
  for (let i = 0; i < n; i++) {
    const t = opts.spreadKinds ? (i + Math.floor(i / tenants)) % tenants : i % tenants;
    const tenantId = `tenant-${seed}-${t}`;
    const region = regions[t % regions.length];
    const common = { eventId: `${seed}-ev-${i}`, tenantId, occurredAt: at(i) };
    const kind = i % 10;
    const subjectId = `user-${t}-${i % 7}`;
    let ev: FixtureEvent;
    if (kind < 5) {
      ev = {
        topic: 'data-created',
        key: tenantId,
        value: {
          ...common,
          dataId: `d-${i}`,
          category: i % 3 === 0 ? 'audit-log' : 'personal',
          region,
          store: 'main',
          subjectId,
        },
      };
    } else if (kind === 5) {
      ev = {
        topic: 'data-deleted',
        key: tenantId,
        value: { ...common, dataId: `d-${i - 5}`, deletedBy: 'user' },
      };
    } else if (kind === 6) {
      ev = { topic: 'user-deleted', key: tenantId, value: { ...common, subjectId, deletedBy: 'admin' } };
    } else if (kind === 7) {
      ev = {
        topic: 'legal-hold',
        key: tenantId,
        value: { ...common, holdId: `h-${i}`, action: 'placed', subjectId },
      };
    } else if (kind === 8) {
      ev = { topic: 'subscription-ended', key: tenantId, value: common };
    } else {
      ev = { topic: 'subscription-reactivated', key: tenantId, value: common };
    }
    out.push(ev);
  }
  return out;
}
