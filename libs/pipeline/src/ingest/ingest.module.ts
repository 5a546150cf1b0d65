import { Module } from '@nestjs/common';
import { IngestService } from './ingest.service';

/** Needs APP_CONFIG, LOGGER, KAFKA, LEDGER_STORE, CLOCK and KNOWN_CATEGORIES from the composition root. */
@Module({ providers: [IngestService], exports: [IngestService] })
export class IngestModule {}
