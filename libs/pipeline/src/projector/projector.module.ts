import { Module } from '@nestjs/common';
import { ProjectorService } from './projector.service';

/** Needs LEDGER_STORE, READ_MODEL, LOGGER and WORK_SIGNAL from the composition root. */
@Module({ providers: [ProjectorService], exports: [ProjectorService] })
export class ProjectorModule {}
