import { Module } from '@nestjs/common';
import { DispatcherService } from './dispatcher.service';

/** Needs APP_CONFIG, LOGGER, KAFKA, LEDGER_STORE, READ_MODEL and CLOCK from the composition root. */
@Module({ providers: [DispatcherService], exports: [DispatcherService] })
export class DispatcherModule {}
