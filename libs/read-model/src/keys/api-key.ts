/**
 * API keys of the auditor and operator HTTP surface. A key is shown once, when it is
 * created; only its SHA-256 is stored. Keys are 256 random bits, so a fast hash is
 * enough: there is nothing to brute-force that a slow hash would protect.
 */
export const API_KEY_ROLES = ['auditor', 'operator'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * What a role may do: auditors read; operators read, rebuild the read model and act on
 * obligations (retry, resolve, extend: recorded in the ledger with the key id as actor).
 */
export type ApiPermission = 'read' | 'rebuild' | 'operate';

export const ROLE_PERMISSIONS: Readonly<Record<ApiKeyRole, readonly ApiPermission[]>> = {
  auditor: ['read'],
  operator: ['read', 'rebuild', 'operate'],
};

export interface ApiKeyRecord {
  /** Public handle (`keys list`, `keys revoke`, logs); never the key itself. */
  id: string;
  role: ApiKeyRole;
  /** The one tenant the key may see, or null for every tenant. */
  tenantId: string | null;
  /** RFC 3339 UTC. */
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** The secret, to hand to its owner once; not recoverable afterwards. */
  key: string;
}

export type RevokeOutcome = 'revoked' | 'already-revoked' | 'unknown';

export interface ApiKeyStore {
  create(spec: { role: ApiKeyRole; tenantId: string | null }, now: Date): Promise<CreatedApiKey>;
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** The active key a secret belongs to; undefined for an unknown, malformed or revoked one. */
  authenticate(key: string): Promise<ApiKeyRecord | undefined>;
  revoke(id: string, now: Date): Promise<RevokeOutcome>;
  close(): Promise<void>;
}
