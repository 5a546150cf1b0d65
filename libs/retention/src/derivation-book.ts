import { dataFacts, subjectFacts } from './fact-containers';
import { idBucket } from './obligation-id';
import type { Group, HoldPlacement, SubjectFacts, TenantState } from './state';

/**
 * The derivation's bookkeeping, kept beside the fold: which groups (a data item, a
 * subject, the tenant) an entry's fact changed, so `drainChanges` re-derives only those.
 * Not facts: marking too much costs time, never correctness; marking too little would
 * leave a stale obligation, which the given/when/then specs check for every rule.
 */

export function markDirty(state: TenantState, group: Group): void {
  const book = state.derivation;
  if (book.allDirty) return;
  const dirty = (book.dirty ??= new Set());
  dirty.add(group);
  // When most groups are dirty (a rebuild), one flag is cheaper than the set.
  if (dirty.size > 64 && dirty.size * 2 > state.data.size + state.subjects.size) {
    book.allDirty = true;
    book.dirty = null;
  }
}

/** Everything is to be re-derived (a policy, a tenant-wide or category hold). */
export function markAllDirty(state: TenantState): void {
  state.derivation.allDirty = true;
  state.derivation.dirty = null;
}

/** The tenant-wide group (subscription ends). */
export function markTenant(state: TenantState): void {
  markDirty(state, state.derivation.tenantGroup);
}

/** A subject and every data item naming it (which of them its deletion covers may have changed). */
export function markSubjectAndData(state: TenantState, subject: SubjectFacts): void {
  markDirty(state, subject);
  for (const item of subject.data) markDirty(state, item);
}

/** The group(s) that emitted an obligation id (commands, receipts and operator facts find their group here). */
export function markObligation(state: TenantState, obligationId: string): void {
  const groups = state.derivation.groupOf?.get(idBucket(obligationId));
  if (groups !== undefined) for (const group of groups) markDirty(state, group);
}

/**
 * A hold's scope changed. The whole tenant, or a category (rare), touches everything;
 * a subject its subject, its items and the tenant group; a data item the item, its
 * subject (the subject's store purge would take it) and the tenant group. The same
 * scopes `holdScopeCovers` (holds/holds-win.ts) takes in.
 */
export function markHoldScope(state: TenantState, scope: HoldPlacement): void {
  if ((scope.subjectId === null && scope.dataId === null) || scope.category !== null) {
    markAllDirty(state);
    return;
  }
  if (scope.subjectId !== null) markSubjectAndData(state, subjectFacts(state, scope.subjectId));
  if (scope.dataId !== null) {
    const item = dataFacts(state, scope.dataId);
    markDirty(state, item);
    const owner = item.subjectId === null ? undefined : state.subjects.get(item.subjectId);
    if (owner) markDirty(state, owner);
  }
  markTenant(state);
}
