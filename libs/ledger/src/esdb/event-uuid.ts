import { createHash } from 'node:crypto';

/** Namespaces of the ledger's name-based UUIDs (random, fixed forever: changing them breaks idempotency). */
export const LEDGER_EVENT_NAMESPACE = '8f4b7a52-3c1e-4d0a-9b6f-2e7c5d9a1f30';
export const LEDGER_CLAIM_NAMESPACE = 'c2a9e6d4-71b8-4f3e-8a05-6d1f9b3c7e42';

/**
 * RFC 4122 version 5 UUID (SHA-1, name-based): EventStoreDB wants UUID event
 * ids, and the same eventId must always map to the same one so the server can
 * recognise a retried write.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`invalid namespace UUID ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
