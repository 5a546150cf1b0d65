import { Kafka, logLevel, LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** Where kafkajs' own log lines go; by default warnings and errors to stderr as JSON. */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(opts: KafkaClientOptions): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const log = opts.log;
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: log ? logLevel.INFO : logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
    logCreator: log
      ? () =>
          ({ level, log: entry }: LogEntry) => {
            const { message, ...extra } = entry;
            log(LEVEL_NAMES[level] ?? 'info', `kafkajs: ${message}`, extra);
          }
      : undefined,
  });
}
