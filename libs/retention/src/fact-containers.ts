import {
  DataFacts,
  SubjectFacts,
  type DataHistory,
  type HoldFacts,
  type StoreRef,
  type TenantState,
} from './state';

/**
 * The fold's containers, created on a fact's first arrival (most tenants never need most
 * of them, so they stay null until then; see `TenantState`).
 */

/** Category names, regions and store names repeat across millions of entries: keep one copy (bounded). */
const pool = new Map<string, string>();
export function intern(text: string): string {
  const known = pool.get(text);
  if (known !== undefined) return known;
  if (pool.size < 10_000) pool.set(text, text);
  return text;
}

export function storeRef(state: TenantState, region: string, store: string): StoreRef {
  const regions = (state.stores ??= new Map());
  let stores = regions.get(region);
  if (!stores) {
    stores = new Map();
    regions.set(intern(region), stores);
  }
  let ref = stores.get(store);
  if (!ref) {
    const r = intern(region);
    const s = intern(store);
    ref = { region: r, store: s, key: `${r}\u0000${s}`, minCreatedAt: null };
    stores.set(s, ref);
  }
  return ref;
}

export function dataFacts(state: TenantState, dataId: string): DataFacts {
  let item = state.data.get(dataId);
  if (!item) {
    item = new DataFacts(dataId);
    state.data.set(dataId, item);
  }
  return item;
}

export function dataHistory(state: TenantState, dataId: string): DataHistory {
  const histories = (state.dataHistory ??= new Map());
  let history = histories.get(dataId);
  if (!history) {
    history = { laterDeletions: null, restores: null };
    histories.set(dataId, history);
  }
  return history;
}

export function subjectFacts(state: TenantState, subjectId: string): SubjectFacts {
  let subject = state.subjects.get(subjectId);
  if (!subject) {
    subject = new SubjectFacts(subjectId);
    state.subjects.set(subjectId, subject);
  }
  return subject;
}

export function holdFacts(state: TenantState, holdId: string): HoldFacts {
  const holds = (state.holds ??= new Map());
  let hold = holds.get(holdId);
  if (!hold) {
    hold = { holdId, placements: [], releases: [] };
    holds.set(holdId, hold);
  }
  return hold;
}
