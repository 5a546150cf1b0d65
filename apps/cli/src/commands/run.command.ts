import { Command, Option } from 'commander';
import { loadConfig } from '@app/config';
import { parseServices, SERVICES, startRuntime } from '../runtime';

export function runCommand(): Command {
  return new Command('run')
    .description('run the services (all in one process by default)')
    .addOption(new Option('--only <services>', `comma-separated subset of: ${SERVICES.join(',')}`))
    .action(async (opts: { only?: string }) => {
      const services = opts.only ? parseServices(opts.only) : [...SERVICES];
      const runtime = await startRuntime(loadConfig(), services);
      const { log } = runtime.core;
      log.info({ services }, 'retention-ledger running; SIGTERM or Ctrl-C stops it after the work in flight');
      if (runtime.stopStartedBroker) {
        log.info('the local Kafka broker started for this run keeps running after it: npm run kafka:stop stops it');
      }
      const stop = (signal: string) => {
        log.info({ signal }, 'stopping');
        runtime.stop().then(
          () => process.exit(0),
          (err) => {
            log.error({ err }, 'unclean stop');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
