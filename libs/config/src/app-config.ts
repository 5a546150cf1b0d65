import { CONFIGURED_REGION_PATTERN } from '@app/contracts/validation/field-rules';
import { checkRfc3339 } from '@app/contracts/validation/rfc3339';
import { parseIsoDurationMs } from './iso-duration';

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
  /** Interface the HTTP API binds to. */
  apiHost: string;
  /** Express `trust proxy` (API_TRUST_PROXY): whom to believe for X-Forwarded-For/-Proto; false = nobody. */
  apiTrustProxy: boolean | number | string;
  /** /v1 requests one client address may make per window (API_RATE_LIMIT / API_RATE_WINDOW). */
  apiRateLimit: number;
  /** Failed authentications one client address may make per window before it gets 429. */
  apiAuthFailureLimit: number;
  /** API_HEAVY_JOBS: verify / large audit reports running at once (worker threads); then 503. */
  apiHeavyJobs: number;
  apiRateWindowMs: number;
  /** How often /metrics re-reads the store gauges (obligations by status, overdue) off the scrape. */
  metricsRefreshMs: number;
  /** How often the API process runs a full `verify` in a child process for retention_ledger_verify_ok; 0 = off. */
  verifyIntervalMs: number;
  /** Extensions to the contract's table, documented in the README. */
  ingestGroupId: string;
  maxMessageBytes: number;
  maxFutureSkewMs: number;
  /** The earliest `occurredAt` accepted (ms since the epoch): older events are dead-lettered. */
  minOccurredAtMs: number;
  logLevel: string;
  dispatchIntervalMs: number;
  dispatchMaxAttempts: number;
  dispatchRetryBaseMs: number;
  /** An issued command with no receipt after this long is retried as a new attempt. */
  receiptTimeoutMs: number;
  /** How long a dispatcher's claim on a due obligation lasts. */
  dispatchLeaseMs: number;
  kafka: KafkaConnectionConfig;
  topics: TopicConfig;
  /** PEM file of the Ed25519 checkpoint signing key (created on first use). */
  checkpointKey: string;
  checkpointIntervalMs: number;
  /** SHRED_INTERVAL: how often the projector's process applies the policy's ledger.shredSubjectsAfter. */
  shredIntervalMs: number;
  subjectKeysUrl: string;
  /** OTLP endpoint for traces; tracing is off when unset. */
  otelEndpoint: string | undefined;
}

/** How every client (services, CLI, regional-client SDK) connects to Kafka. Secrets are never logged. */
export interface KafkaConnectionConfig {
  clientId: string;
  ssl: boolean;
  sslCaFile: string | undefined;
  sslCertFile: string | undefined;
  sslKeyFile: string | undefined;
  sasl: KafkaSaslConfig | undefined;
}

export interface KafkaSaslConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  /** The password itself, or the path of the file it was read from (KAFKA_SASL_PASSWORD_FILE). */
  password: string | undefined;
  passwordFile: string | undefined;
}

/** How the system's own topics are created (KAFKA_CREATE_TOPICS=false: an operator made them). */
export interface TopicConfig {
  create: boolean;
  /** undefined: the broker's default. */
  replicationFactor: number | undefined;
  /** retention.ms per kind of system topic; -1 keeps forever. */
  retentionMs: { commands: number; receipts: number; deadLetters: number; checkpoints: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const TOPIC_PREFIX = /^[A-Za-z0-9._-]{0,100}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ConfigError(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return n;
}

/** Strict ISO-8601 durations: "PT" or "15 minutes" are errors, never 0 ms. */
function isoDurationMs(env: NodeJS.ProcessEnv, name: string, fallback: string, min = 0): number {
  const raw = env[name] || fallback;
  const ms = parseIsoDurationMs(raw);
  if (ms === undefined || ms < min) {
    const floor = min > 0 ? ` of at least ${min} ms` : '';
    throw new ConfigError(`${name} must be an ISO-8601 duration${floor} such as PT15M, got "${raw}"`);
  }
  return ms;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function instant(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  // A date alone means its midnight UTC; a time must be the contract's RFC 3339.
  const ms = DATE_ONLY.test(raw) || checkRfc3339(raw).ok ? Date.parse(raw.toUpperCase()) : NaN;
  if (!Number.isFinite(ms)) {
    throw new ConfigError(`${name} must be a date (2000-01-01) or RFC 3339 time with offset, got "${raw}"`);
  }
  return ms;
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
  const bad = list.find((r) => !CONFIGURED_REGION_PATTERN.test(r));
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

function sasl(env: NodeJS.ProcessEnv): KafkaSaslConfig | undefined {
  const raw = env.KAFKA_SASL_MECHANISM;
  if (raw === undefined || raw === '') return undefined;
  const mechanism = SASL_MECHANISMS.find((m) => m === raw.toLowerCase());
  if (!mechanism) {
    throw new ConfigError(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, got "${raw}"`);
  }
  const username = env.KAFKA_SASL_USERNAME;
  if (!username) throw new ConfigError('KAFKA_SASL_USERNAME must be set when KAFKA_SASL_MECHANISM is');
  const password = env.KAFKA_SASL_PASSWORD || undefined;
  const passwordFile = env.KAFKA_SASL_PASSWORD_FILE || undefined;
  if ((password === undefined) === (passwordFile === undefined)) {
    throw new ConfigError('KAFKA_SASL_PASSWORD must be set (or KAFKA_SASL_PASSWORD_FILE), not both');
  }
  return { mechanism, username, password, passwordFile };
}

/** KAFKA_SSL*, KAFKA_SASL_*, KAFKA_CLIENT_ID alone: for processes (a regional store) that need no other setting. */
export function kafkaConnection(
  env: NodeJS.ProcessEnv,
  defaultClientId = 'retention-ledger',
): KafkaConnectionConfig {
  const clientId = env.KAFKA_CLIENT_ID || defaultClientId;
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(clientId)) {
    throw new ConfigError(`KAFKA_CLIENT_ID may only hold [A-Za-z0-9._-] (1 to 255), got "${clientId}"`);
  }
  const sslCaFile = env.KAFKA_SSL_CA_FILE || undefined;
  const sslCertFile = env.KAFKA_SSL_CERT_FILE || undefined;
  const sslKeyFile = env.KAFKA_SSL_KEY_FILE || undefined;
  if ((sslCertFile === undefined) !== (sslKeyFile === undefined)) {
    throw new ConfigError('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE must be set together (mutual TLS)');
  }
  const ssl = bool(env, 'KAFKA_SSL', false);
  if (!ssl && (sslCaFile || sslCertFile)) {
    throw new ConfigError('KAFKA_SSL must be true when KAFKA_SSL_CA_FILE or KAFKA_SSL_CERT_FILE is set');
  }
  return { clientId, ssl, sslCaFile, sslCertFile, sslKeyFile, sasl: sasl(env) };
}

/** retention.ms as an ISO duration, or "forever". */
function retentionMs(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  if (raw === 'forever') return -1;
  return isoDurationMs(env, name, fallback, 1);
}

/** KAFKA_CREATE_TOPICS, KAFKA_REPLICATION_FACTOR and the *_RETENTION variables alone (a regional store needs no more). */
export function topicConfig(env: NodeJS.ProcessEnv): TopicConfig {
  const rf = env.KAFKA_REPLICATION_FACTOR;
  return {
    create: bool(env, 'KAFKA_CREATE_TOPICS', true),
    replicationFactor:
      rf === undefined || rf === '' ? undefined : positiveInt(env, 'KAFKA_REPLICATION_FACTOR', 1, 32),
    retentionMs: {
      // P28D: with segment.ms of a day and the dispatcher's retry window (about 5 h by default),
      // a command naming a subject is gone within the 30-day promise (docs/kafka.md "Retention").
      commands: retentionMs(env, 'COMMANDS_RETENTION', 'P28D'),
      receipts: retentionMs(env, 'RECEIPTS_RETENTION', 'P28D'),
      deadLetters: retentionMs(env, 'DEAD_LETTER_RETENTION', 'P28D'),
      checkpoints: retentionMs(env, 'CHECKPOINTS_RETENTION', 'forever'),
    },
  };
}

/** Express's `trust proxy`: false, true, a hop count, or addresses/names (loopback, 10.0.0.0/8, …). */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  if (!/^[A-Za-z0-9.:/, _-]{1,500}$/.test(raw)) {
    throw new ConfigError(
      `API_TRUST_PROXY must be true, false, a hop count or a list of addresses (loopback, 10.0.0.0/8), got "${raw}"`,
    );
  }
  return raw;
}

/**
 * A command the broker drops before its RECEIPT_TIMEOUT ran out is lost to a store that was
 * down meanwhile, and nothing re-issues it until the timeout: retention must cover it.
 */
function checkCommandRetention(topics: TopicConfig, receiptTimeoutMs: number): TopicConfig {
  const commands = topics.retentionMs.commands;
  if (commands !== -1 && commands < receiptTimeoutMs) {
    throw new ConfigError(
      `COMMANDS_RETENTION must be at least RECEIPT_TIMEOUT (${receiptTimeoutMs} ms), got ${commands} ms: ` +
        'a command would expire before it is re-issued',
    );
  }
  return topics;
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
  const apiHost = env.API_HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(apiHost)) {
    throw new ConfigError(`API_HOST must be a host name or IP address, got "${apiHost}"`);
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
    apiHost,
    apiTrustProxy: trustProxy(env.API_TRUST_PROXY),
    apiRateLimit: positiveInt(env, 'API_RATE_LIMIT', 600, 1_000_000),
    apiAuthFailureLimit: positiveInt(env, 'API_AUTH_FAILURE_LIMIT', 30, 1_000_000),
    apiHeavyJobs: positiveInt(env, 'API_HEAVY_JOBS', 2, 64),
    apiRateWindowMs: isoDurationMs(env, 'API_RATE_WINDOW', 'PT1M', 1000),
    metricsRefreshMs: isoDurationMs(env, 'METRICS_REFRESH', 'PT15S', 100),
    verifyIntervalMs: env.VERIFY_INTERVAL === 'off' ? 0 : isoDurationMs(env, 'VERIFY_INTERVAL', 'PT1H', 1000),
    ingestGroupId: env.INGEST_GROUP_ID || `${prefix}retention-ledger-ingest`,
    maxMessageBytes: positiveInt(env, 'MAX_MESSAGE_BYTES', 256 * 1024, 16 * 1024 * 1024),
    maxFutureSkewMs: isoDurationMs(env, 'MAX_FUTURE_SKEW', 'PT15M'),
    minOccurredAtMs: instant(env, 'MIN_OCCURRED_AT', '2000-01-01T00:00:00Z'),
    logLevel,
    dispatchIntervalMs: isoDurationMs(env, 'DISPATCH_INTERVAL', 'PT1S', 1),
    dispatchMaxAttempts: positiveInt(env, 'DISPATCH_MAX_ATTEMPTS', 5, 100),
    dispatchRetryBaseMs: isoDurationMs(env, 'DISPATCH_RETRY_BACKOFF', 'PT30S'),
    receiptTimeoutMs: isoDurationMs(env, 'RECEIPT_TIMEOUT', 'PT1H', 1),
    dispatchLeaseMs: isoDurationMs(env, 'DISPATCH_LEASE', 'PT30S', 1),
    kafka: kafkaConnection(env),
    topics: checkCommandRetention(topicConfig(env), isoDurationMs(env, 'RECEIPT_TIMEOUT', 'PT1H', 1)),
    checkpointKey: env.CHECKPOINT_KEY || './data/checkpoint-key.pem',
    checkpointIntervalMs: isoDurationMs(env, 'CHECKPOINT_INTERVAL', 'PT1H', 1),
    shredIntervalMs: isoDurationMs(env, 'SHRED_INTERVAL', 'PT1H', 1),
    subjectKeysUrl: storeUrl(env, 'SUBJECT_KEYS_URL', 'sqlite:./data/subject-keys.db', [
      'sqlite:',
      'postgres://',
      'postgresql://',
    ]),
    otelEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
  };
}
