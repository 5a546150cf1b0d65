import { createHash } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyStore } from '@app/read-model';

/** How long a key the store accepted is taken as valid without asking again. */
export const KEY_CACHE_TTL_MS = 5000;
/** Distinct keys remembered at most; past that the cache starts afresh (keys are few, floods are not). */
const MAX_KEYS = 10_000;

/**
 * The key store's answers for accepted keys, in memory for KEY_CACHE_TTL_MS, keyed by
 * the SHA-256 of the presented key (the secret itself is not kept). Under load every
 * request authenticated against the store (a query on the read model's file, on the
 * event loop ingest shares); now one in KEY_CACHE_TTL_MS per key does. The price: a key
 * revoked by `keys revoke` (another process) keeps working here for up to that long.
 * Refusals are never cached: a new key works at once, and failures stay counted
 * (AuthFailureLimiter).
 */
export class KeyCache {
  private readonly accepted = new Map<string, { record: ApiKeyRecord; until: number }>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = KEY_CACHE_TTL_MS,
  ) {}

  async authenticate(key: string): Promise<ApiKeyRecord | undefined> {
    const digest = createHash('sha256').update(key, 'utf8').digest('base64');
    const at = this.now();
    const hit = this.accepted.get(digest);
    if (hit && hit.until > at) return hit.record;
    this.accepted.delete(digest);
    const record = await this.store.authenticate(key);
    if (record) {
      if (this.accepted.size >= MAX_KEYS) this.accepted.clear();
      this.accepted.set(digest, { record, until: at + this.ttlMs });
    }
    return record;
  }
}
