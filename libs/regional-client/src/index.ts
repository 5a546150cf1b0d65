export * from './receipt';
export * from './dedupe-store';
export * from './deletion-handler';
export * from './error-text';
export * from './command-decoder';
export * from './command-processor';
export * from './regional-client';
