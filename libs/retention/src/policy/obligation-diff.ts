import type { Obligation } from '../obligation';

/** How one obligation differs between two derivations (the current policy, a candidate). */
export interface ObligationChange {
  readonly change: 'added' | 'removed' | 'moved';
  readonly obligationId: string;
  readonly tenantId: string;
  readonly reason: Obligation['reason'];
  readonly region: string;
  readonly store: string;
  /** With `moved`: what moved, from → to. */
  readonly dueAt?: { readonly from: string; readonly to: string };
  readonly deadline?: { readonly from: string; readonly to: string };
  readonly status?: { readonly from: string; readonly to: string };
  readonly policyVersion?: { readonly from: string; readonly to: string };
}

/**
 * Obligations the candidate adds, removes, or whose due time, deadline or status it
 * moves, sorted by tenant then id. Pure: both lists come from the same fold.
 */
export function diffObligations(
  before: readonly Obligation[],
  after: readonly Obligation[],
): ObligationChange[] {
  const old = new Map(before.map((o) => [o.obligationId, o]));
  const out: ObligationChange[] = [];
  const head = (o: Obligation) => ({
    obligationId: o.obligationId,
    tenantId: o.tenantId,
    reason: o.reason,
    region: o.region,
    store: o.store,
  });
  for (const o of after) {
    const was = old.get(o.obligationId);
    old.delete(o.obligationId);
    if (!was) {
      out.push({ change: 'added', ...head(o) });
      continue;
    }
    const moved = {
      ...(was.dueAt !== o.dueAt ? { dueAt: { from: was.dueAt, to: o.dueAt } } : {}),
      ...(was.deadline !== o.deadline ? { deadline: { from: was.deadline, to: o.deadline } } : {}),
      ...(was.status !== o.status ? { status: { from: was.status, to: o.status } } : {}),
    };
    if (Object.keys(moved).length > 0) {
      const version =
        was.policyVersion !== o.policyVersion
          ? { policyVersion: { from: was.policyVersion, to: o.policyVersion } }
          : {};
      out.push({ change: 'moved', ...head(o), ...moved, ...version });
    }
  }
  for (const o of old.values()) out.push({ change: 'removed', ...head(o) });
  return out.sort((a, b) =>
    a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.obligationId < b.obligationId ? -1 : 1,
  );
}
