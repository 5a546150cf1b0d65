import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_ROLES, ApiKeyRole } from './api-key';

const KEY_PREFIX = 'rlk_';
/** `rlk_` + 32 random bytes in base64url. */
const KEY_SHAPE = /^rlk_[A-Za-z0-9_-]{43}$/;
const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function newKeyId(): string {
  return `k_${randomBytes(6).toString('hex')}`;
}

export function newKeySecret(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Only keys of our shape are looked up: junk costs neither a hash nor a query. */
export function looksLikeKey(key: string): boolean {
  return KEY_SHAPE.test(key);
}

export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Guards the stores against bad specs from any caller (the CLI validates first, with its own words). */
export function checkKeySpec(spec: { role: string; tenantId: string | null }): asserts spec is {
  role: ApiKeyRole;
  tenantId: string | null;
} {
  if (!(API_KEY_ROLES as readonly string[]).includes(spec.role)) {
    throw new Error(`role must be one of ${API_KEY_ROLES.join(', ')}, got "${spec.role}"`);
  }
  if (spec.tenantId !== null && !TENANT_ID.test(spec.tenantId)) {
    throw new Error(`tenant must match [A-Za-z0-9._-]{1,64}, got "${spec.tenantId}"`);
  }
}
