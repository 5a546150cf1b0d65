// The pipeline's three roles. Each has a Nest-free core, one factory that `run`, the tests
// and the benches all use, and the Nest module that `run` composes (docs/design.md).
export * from './ingest/ingestor';
export * from './ingest/create-ingestor';
export * from './ingest/all-checks';
export * from './ingest/receipt-check';
export * from './ingest/hold-release-check';
export * from './ingest/known-categories';
export * from './ingest/ingest.module';
export * from './ingest/ingest.service';
export * from './projector/projector';
export * from './projector/create-projector';
export * from './projector/rebuild-heap';
export * from './projector/exclusive-rebuild';
export * from './projector/projector.module';
export * from './projector/projector.service';
export * from './dispatcher/dispatcher';
export * from './dispatcher/create-dispatcher';
export * from './dispatcher/command-id';
export * from './dispatcher/dispatcher.module';
export * from './dispatcher/dispatcher.service';
export * from './ingest/subject-sealer';
export * from './dispatcher/reveal-subjects';
