export * from './ingest.module';
export * from './ingest.service';
export * from './ingestor';
export * from './known-categories';
export * from './receipt-check';
