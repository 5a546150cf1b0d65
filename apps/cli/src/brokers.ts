import path from 'node:path';
import { repoRoot, type AppConfig, type Logger } from '@app/config';

interface LocalBroker {
  ensureBroker(opts: { quiet?: boolean }): Promise<{ brokers: string; startedHere: boolean }>;
  stopBroker(opts: { quiet?: boolean }): Promise<void>;
}

function localBroker(): LocalBroker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(repoRoot(), 'deploy', 'kafka', 'broker.js'));
}

export interface ResolvedBrokers {
  brokers: string[];
  /** Set when this process started the local broker: stops it again. */
  stopStartedBroker?: () => Promise<void>;
}

/** KAFKA_BROKERS, or the local broker from deploy/ (started if it is not running). */
export async function resolveBrokerSet(config: AppConfig, log?: Logger): Promise<ResolvedBrokers> {
  if (config.kafkaBrokers) return { brokers: config.kafkaBrokers };
  const local = localBroker();
  // Say what is happening on a terminal: the first start resolves jars and formats storage.
  const { brokers, startedHere } = await local.ensureBroker({ quiet: !process.stderr.isTTY });
  log?.info({ brokers, startedHere }, 'KAFKA_BROKERS unset: using the local broker from deploy/kafka');
  return {
    brokers: brokers.split(','),
    stopStartedBroker: startedHere ? () => local.stopBroker({ quiet: true }) : undefined,
  };
}

export async function resolveBrokers(config: AppConfig, log?: Logger): Promise<string[]> {
  return (await resolveBrokerSet(config, log)).brokers;
}
