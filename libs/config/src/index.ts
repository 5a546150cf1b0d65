export * from './app-config';
export * from './logger';
export * from './tokens';
export * from './work-signal';
export * from './iso-duration';
export * from './faults';
export * from './store-faults';
export * from './tracing';
