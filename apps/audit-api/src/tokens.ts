/** Injection tokens of the audit API; the values come from the composition root. */
export const API_KEYS = Symbol('API_KEYS');
export const PIPELINE_PROBES = Symbol('PIPELINE_PROBES');
export const API_METRICS = Symbol('API_METRICS');
export const AUTH_LIMITER = Symbol('AUTH_LIMITER');
