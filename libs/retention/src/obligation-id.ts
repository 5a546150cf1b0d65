import { sha256Hex } from './internal/sha256';
import type { ObligationReason } from './obligation';

/**
 * Deterministic obligation ids: the same facts give the same id, on every replay,
 * in every process.
 *
 * `ob.<reason>.<32 hex>`: the reason in clear, then the first 128 bits of SHA-256
 * over length-prefixed parts (length prefixes make the encoding unambiguous
 * whatever characters event ids contain). At most 52 characters of
 * `[a-z0-9.-]`: safe as a Kafka key or header, a SQL key, a file name.
 *
 * The parts never include a subject id (personal data stays in the ledger's
 * subject part; obligation ids travel in DeletionCommandIssued's data):
 * - data-scoped obligations (`data-deleted`, `max-age`, and the `user-deleted` purge of data created
 *   after its subject's deletion): `data`, tenantId, dataId. One per data item and reason, whichever
 *   of several deletion facts is the trigger, so a late, earlier duplicate never changes the id;
 * - store-scoped ones (`user-deleted` per store, `subscription-ended` per store): `store`, tenantId,
 *   the trigger's eventId, region, store.
 */
export type ObligationKey =
  | {
      readonly tenantId: string;
      readonly reason: 'data-deleted' | 'max-age' | 'user-deleted';
      readonly dataId: string;
    }
  | {
      readonly tenantId: string;
      readonly reason: 'user-deleted' | 'subscription-ended';
      readonly triggerEventId: string;
      readonly region: string;
      readonly store: string;
    };

export function obligationIdOf(key: ObligationKey): string {
  return 'dataId' in key
    ? `ob.${key.reason}.${dataIdHash(key.tenantId, key.dataId)}`
    : `ob.${key.reason}.${storeIdHash(key.tenantId, key.triggerEventId, key.region, key.store)}`;
}

const part = (text: string): string => `${text.length}:${text}`;

/** The hash part of a data item's obligation ids (the same for its three reasons; the prefix tells them apart). */
export function dataIdHash(tenantId: string, dataId: string): string {
  return sha256Hex(`data|${part(tenantId)}|${part(dataId)}`, 32);
}

export function storeIdHash(tenantId: string, triggerEventId: string, region: string, store: string): string {
  return sha256Hex(`store|${part(tenantId)}|${part(triggerEventId)}|${part(region)}|${part(store)}`, 32);
}

export const OBLIGATION_ID_PATTERN =
  /^ob\.(data-deleted|user-deleted|subscription-ended|max-age)\.[0-9a-f]{32}$/;

export function reasonOfObligationId(id: string): ObligationReason | undefined {
  const match = OBLIGATION_ID_PATTERN.exec(id);
  return match ? (match[1] as ObligationReason) : undefined;
}

/** The last 28 bits of an id's hash (a small integer), to index groups by obligation id cheaply. */
export function idBucket(id: string): number {
  let value = 0;
  for (let i = id.length - 7; i < id.length; i++) {
    const c = id.charCodeAt(i);
    value = value * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return value;
}
