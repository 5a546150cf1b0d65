import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { KafkaSecurity, securityOptions } from './kafka-security';
import { quietNegativeTimeoutWarnings } from './quiet-timeout-warning';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** TLS and SASL (AppConfig.kafka); plaintext without authentication when absent. */
  security?: KafkaSecurity;
  /** Where kafkajs' own log lines go; by default warnings and errors to stderr as JSON. */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warns whenever an idempotent producer has a finite retry budget. Ours is finite on
 * purpose: a broker that stays down must surface as a failed send (health, logs, a batch left
 * uncommitted) rather than a send that waits forever. A send retried after giving up is
 * harmless here: commands carry deterministic commandIds that regional stores dedupe, and
 * ingest dedupes by eventId. So the warning says nothing an operator can act on.
 */
export function isKnownNoise(message: string): boolean {
  return message.includes('Limiting retries for the idempotent producer');
}

function toConsole(
  level: 'error' | 'warn' | 'info' | 'debug',
  message: string,
  extra: Record<string, unknown>,
) {
  const line = JSON.stringify({ level: level.toUpperCase(), ...extra, logger: 'kafkajs', message });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export function createKafka(opts: KafkaClientOptions): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  quietNegativeTimeoutWarnings();
  const log = opts.log;
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    ...securityOptions(opts.security),
    logLevel: log ? logLevel.INFO : logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        if (isKnownNoise(message)) return;
        const name = LEVEL_NAMES[level] ?? 'info';
        if (log) log(name, `kafkajs: ${message}`, extra);
        else toConsole(name, namespace ? `[${namespace}] ${message}` : message, extra);
      },
  });
}
