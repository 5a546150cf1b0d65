export * from './structured';
export * from './command-headers';
