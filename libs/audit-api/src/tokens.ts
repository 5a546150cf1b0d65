import type { CheckpointStore } from '@app/proof';

/** Injection tokens of the audit API; the values come from the composition root. */
export const API_KEYS = Symbol('API_KEYS');
export const PIPELINE_PROBES = Symbol('PIPELINE_PROBES');
export const API_METRICS = Symbol('API_METRICS');
export const AUTH_LIMITER = Symbol('AUTH_LIMITER');
export const CHECKPOINTS = Symbol('CHECKPOINTS');
export const HEAVY_JOBS = Symbol('HEAVY_JOBS');

/** The checkpoints the API serves: the store beside the ledger and the public key. */
export interface CheckpointSource {
  store: CheckpointStore;
  publicKeyPem: string;
  keyId: string;
}
