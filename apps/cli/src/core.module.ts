import { DynamicModule, Global, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import {
  APP_CONFIG,
  AppConfig,
  CLOCK,
  Clock,
  KAFKA,
  LEDGER_STORE,
  LOGGER,
  Logger,
  READ_MODEL,
  SUBJECT_KEYS,
  WORK_SIGNAL,
  WorkSignal,
} from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import type { SubjectKeyStore } from '@app/subject-keys';
import { KNOWN_CATEGORIES } from '@app/pipeline';

export interface CoreContext {
  config: AppConfig;
  log: Logger;
  kafka: Kafka;
  ledger: LedgerStore;
  /** The subject key store (SUBJECT_KEYS_URL), opened only for the services that seal or reveal subjects. */
  subjectKeys?: SubjectKeyStore;
  readModel: ReadModel;
  clock: Clock;
  categories: ReadonlySet<string>;
  signal: WorkSignal;
}

/** What every service needs, built once by the CLI (the composition root) and shared. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(ctx: CoreContext): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: ctx.config },
      { provide: LOGGER, useValue: ctx.log },
      { provide: KAFKA, useValue: ctx.kafka },
      { provide: LEDGER_STORE, useValue: ctx.ledger },
      { provide: READ_MODEL, useValue: ctx.readModel },
      { provide: CLOCK, useValue: ctx.clock },
      { provide: KNOWN_CATEGORIES, useValue: ctx.categories },
      { provide: WORK_SIGNAL, useValue: ctx.signal },
      { provide: SUBJECT_KEYS, useValue: ctx.subjectKeys },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
