export * from './kafka-client';
export * from './kafka-security';
export * from './topic-admin';
export * from './topic-settings';
export * from './raw-record';
export * from './batch-consumer';
export * from './producer';
export * from './dead-letter-publisher';
