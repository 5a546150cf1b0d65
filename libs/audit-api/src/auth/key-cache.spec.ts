import type { ApiKeyRecord, ApiKeyStore } from '@app/read-model';
import { KeyCache } from './key-cache';

const RECORD: ApiKeyRecord = { id: 'k_1', role: 'auditor', tenantId: null, createdAt: 't', revokedAt: null };

/** A store that counts the questions and whose answers the test changes (a key revoked elsewhere). */
function store(): ApiKeyStore & { asked: number; valid: Set<string> } {
  const s = {
    asked: 0,
    valid: new Set<string>(['rlk_good']),
    authenticate: async (key: string) => {
      s.asked++;
      return s.valid.has(key) ? RECORD : undefined;
    },
  };
  return s as unknown as ApiKeyStore & { asked: number; valid: Set<string> };
}

describe('KeyCache', () => {
  it('asks the store once per key within the TTL, again after it; a revocation shows after the TTL', async () => {
    let now = 1000;
    const s = store();
    const cache = new KeyCache(s, () => now, 5000);
    expect(await cache.authenticate('rlk_good')).toEqual(RECORD);
    expect(await cache.authenticate('rlk_good')).toEqual(RECORD);
    expect(s.asked).toBe(1);
    s.valid.delete('rlk_good');
    now += 4999;
    expect(await cache.authenticate('rlk_good')).toEqual(RECORD);
    now += 1;
    expect(await cache.authenticate('rlk_good')).toBeUndefined();
    expect(s.asked).toBe(2);
  });

  it('never caches a refusal: a key created meanwhile works at once', async () => {
    const s = store();
    const cache = new KeyCache(s, () => 0, 5000);
    expect(await cache.authenticate('rlk_new')).toBeUndefined();
    s.valid.add('rlk_new');
    expect(await cache.authenticate('rlk_new')).toEqual(RECORD);
    expect(s.asked).toBe(2);
  });
});
