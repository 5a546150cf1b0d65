export * from './obligation-record';
export * from './open-read-model';
export * from './sqlite/sqlite-read-model';
export * from './postgres/postgres-read-model';
export * from './keys';
export * from './obligation-tally';
