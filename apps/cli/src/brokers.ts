import path from 'node:path';
import type { AppConfig, Logger } from '@app/config';
import { repoRoot } from './repo-root';

interface LocalBroker {
  ensureBroker(opts: { quiet?: boolean }): Promise<{ brokers: string; startedHere: boolean }>;
}

/** KAFKA_BROKERS, or the local broker from deploy/ (started if it is not running). */
export async function resolveBrokers(config: AppConfig, log?: Logger): Promise<string[]> {
  if (config.kafkaBrokers) return config.kafkaBrokers;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const local: LocalBroker = require(path.join(repoRoot(), 'deploy', 'kafka', 'broker.js'));
  // Say what is happening on a terminal: the first start resolves jars and formats storage.
  const { brokers, startedHere } = await local.ensureBroker({ quiet: !process.stderr.isTTY });
  log?.info({ brokers, startedHere }, 'KAFKA_BROKERS unset: using the local broker from deploy/kafka');
  return [brokers];
}
