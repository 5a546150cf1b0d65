import { Duration } from 'luxon';

/**
 * Runtime configuration from environment variables (DESIGN.md "Configuration").
 * Every bad value stops start-up with a message naming the variable.
 */
export interface AppConfig {
  /** Unset means: start the local broker from deploy/ and use it. */
  kafkaBrokers: string[] | undefined;
  ledgerUrl: string;
  readModelUrl: string;
  /** Path of a YAML/JSON policy file, or undefined for the built-in default. */
  retentionPolicy: string | undefined;
  regions: string[];
  topicPrefix: string;
  apiPort: number;
  /** Extensions to the contract's table, documented in the README. */
  ingestGroupId: string;
  maxMessageBytes: number;
  maxFutureSkewMs: number;
  logLevel: string;
  dispatchIntervalMs: number;
  dispatchMaxAttempts: number;
  dispatchRetryBaseMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const REGION = /^[a-z0-9][a-z0-9-]{0,31}$/;
const TOPIC_PREFIX = /^[A-Za-z0-9._-]{0,100}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ConfigError(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return n;
}

function isoDurationMs(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  const d = Duration.fromISO(raw);
  if (!d.isValid || d.toMillis() < 0) {
    throw new ConfigError(`${name} must be a non-negative ISO-8601 duration such as PT15M, got "${raw}"`);
  }
  return d.toMillis();
}

function brokers(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const list = raw.split(',').map((b) => b.trim());
  for (const b of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) {
      throw new ConfigError(`KAFKA_BROKERS must be a comma-separated list of host:port, got "${raw}"`);
    }
  }
  return list;
}

function regions(raw: string | undefined): string[] {
  const list = (raw ?? 'eu,us').split(',').map((r) => r.trim());
  const bad = list.find((r) => !REGION.test(r));
  if (bad !== undefined) {
    throw new ConfigError(
      `REGIONS must be a comma-separated list of region names ([a-z0-9-], up to 32), got "${raw}"`,
    );
  }
  if (new Set(list).size !== list.length) throw new ConfigError(`REGIONS lists a region twice: "${raw}"`);
  return list;
}

function storeUrl(env: NodeJS.ProcessEnv, name: string, fallback: string, schemes: string[]): string {
  const raw = env[name] || fallback;
  if (!schemes.some((s) => raw.startsWith(s))) {
    throw new ConfigError(`${name} must start with one of ${schemes.join(', ')}, got "${raw}"`);
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const prefix = env.TOPIC_PREFIX ?? '';
  if (!TOPIC_PREFIX.test(prefix)) {
    throw new ConfigError(`TOPIC_PREFIX may only hold [A-Za-z0-9._-] (up to 100), got "${prefix}"`);
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  return {
    kafkaBrokers: brokers(env.KAFKA_BROKERS),
    ledgerUrl: storeUrl(env, 'LEDGER_URL', 'sqlite:./data/ledger.db', [
      'sqlite:',
      'postgres://',
      'postgresql://',
      'esdb://',
      'esdb+discover://',
      'kurrentdb://',
      'kurrentdb+discover://',
    ]),
    readModelUrl: storeUrl(env, 'READ_MODEL_URL', 'sqlite:./data/read-model.db', [
      'sqlite:',
      'postgres://',
      'postgresql://',
    ]),
    retentionPolicy: env.RETENTION_POLICY || undefined,
    regions: regions(env.REGIONS),
    topicPrefix: prefix,
    apiPort: positiveInt(env, 'API_PORT', 3000, 65535),
    ingestGroupId: env.INGEST_GROUP_ID || `${prefix}retention-ledger-ingest`,
    maxMessageBytes: positiveInt(env, 'MAX_MESSAGE_BYTES', 256 * 1024, 16 * 1024 * 1024),
    maxFutureSkewMs: isoDurationMs(env, 'MAX_FUTURE_SKEW', 'PT15M'),
    logLevel,
    dispatchIntervalMs: isoDurationMs(env, 'DISPATCH_INTERVAL', 'PT1S'),
    dispatchMaxAttempts: positiveInt(env, 'DISPATCH_MAX_ATTEMPTS', 5, 100),
    dispatchRetryBaseMs: isoDurationMs(env, 'DISPATCH_RETRY_BACKOFF', 'PT30S'),
  };
}
