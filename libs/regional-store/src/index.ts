export * from './data-item';
export * from './data-created-reader';
export * from './store-database';
export * from './sqlite-dedupe-store';
export * from './regional-store';
