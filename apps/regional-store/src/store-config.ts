import path from 'node:path';
import { ConfigError, KafkaConnectionConfig, kafkaConnection, TopicConfig, topicConfig } from '@app/config';
import { regionRule } from '@app/contracts';

/** How the store process is configured (environment variables, see README). */
export interface StoreConfig {
  brokers: string[];
  region: string;
  dbPath: string;
  topicPrefix: string;
  groupId: string;
  logLevel: string;
  /** TLS, SASL and client id: the same KAFKA_* variables as the ledger's services. */
  kafka: KafkaConnectionConfig;
  /** KAFKA_CREATE_TOPICS, KAFKA_REPLICATION_FACTOR, *_RETENTION: as the ledger makes topics. */
  topics: TopicConfig;
}

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

const TOPIC_PREFIX = /^[A-Za-z0-9._-]{0,100}$/;
const BROKER = /^[^\s,:]+:\d{1,5}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and checks the environment; each problem names its variable. */
export function readStoreConfig(env: NodeJS.ProcessEnv): StoreConfig {
  const rawBrokers = env.KAFKA_BROKERS?.trim();
  // Unlike the ledger, a regional store is a separate service: it never starts a broker of its own.
  if (!rawBrokers) throw new StoreConfigError('KAFKA_BROKERS is required (host:port,…)');
  const brokers = rawBrokers.split(',').map((b) => b.trim());
  const badBroker = brokers.find((b) => !BROKER.test(b));
  if (badBroker !== undefined)
    throw new StoreConfigError(`KAFKA_BROKERS must be host:port,…, got "${badBroker}"`);

  const region = env.REGION || 'eu';
  const regionProblem = regionRule.check(region);
  if (regionProblem !== undefined) throw new StoreConfigError(`REGION ${regionProblem}, got "${region}"`);

  const topicPrefix = env.TOPIC_PREFIX ?? '';
  if (!TOPIC_PREFIX.test(topicPrefix)) {
    throw new StoreConfigError(`TOPIC_PREFIX must match [A-Za-z0-9._-]{0,100}, got "${topicPrefix}"`);
  }

  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new StoreConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  let kafka: KafkaConnectionConfig;
  let topics: TopicConfig;
  try {
    kafka = kafkaConnection(env, `regional-store-${region}`);
    topics = topicConfig(env);
  } catch (err) {
    throw err instanceof ConfigError ? new StoreConfigError(err.message) : err;
  }

  return {
    brokers,
    region,
    dbPath: path.resolve(env.STORE_DB || path.join('data', `regional-store-${region}.db`)),
    topicPrefix,
    groupId: env.REGIONAL_GROUP_ID || `${topicPrefix}regional-store-${region}`,
    logLevel,
    kafka,
    topics,
  };
}
