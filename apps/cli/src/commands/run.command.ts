import 'reflect-metadata';
import { Command, Option } from 'commander';
import { Module, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createKafka } from '@app/kafka';
import { openLedger } from '@app/ledger';
import { createLogger, loadConfig, systemClock } from '@app/config';
import { IngestModule } from '../../../ingest/src';
import { CoreModule } from '../core.module';
import { resolveBrokers } from '../brokers';
import { policyCategories } from '../policy';

export const SERVICES = ['ingest'] as const;
type Service = (typeof SERVICES)[number];

@Module({})
class RunModule {
  static forServices(core: DynamicModule, services: Service[]): DynamicModule {
    const byName: Record<Service, DynamicModule | typeof IngestModule> = { ingest: IngestModule };
    return { module: RunModule, imports: [core, ...services.map((s) => byName[s])] };
  }
}

function parseOnly(value: string): Service[] {
  const list = value.split(',').map((s) => s.trim());
  const unknown = list.filter((s) => !(SERVICES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new Error(`--only: unknown service ${unknown.join(', ')} (known: ${SERVICES.join(', ')})`);
  }
  return list as Service[];
}

export function runCommand(): Command {
  return new Command('run')
    .description('run the services (all in one process by default)')
    .addOption(new Option('--only <services>', `comma-separated subset of: ${SERVICES.join(',')}`))
    .action(async (opts: { only?: string }) => {
      const services = opts.only ? parseOnly(opts.only) : [...SERVICES];
      const config = loadConfig();
      const log = createLogger(config.logLevel);
      const brokers = await resolveBrokers(config, log);
      const ledger = await openLedger(config.ledgerUrl);
      const kafka = createKafka({
        brokers,
        clientId: 'retention-ledger',
        log: (level, message, extra) => log[level]({ ...extra }, message),
      });
      const core = CoreModule.forRoot({
        config,
        log,
        kafka,
        ledger,
        clock: systemClock,
        categories: await policyCategories(config),
      });
      const app = await NestFactory.createApplicationContext(RunModule.forServices(core, services), {
        logger: ['error', 'warn'],
        abortOnError: false,
      });
      app.enableShutdownHooks();
      await app.init();
      log.info({ services }, 'retention-ledger running; SIGTERM or Ctrl-C stops it after the batch in flight');
      process.once('exit', () => void ledger.close());
    });
}
