export * from './api-key';
export { keyHash, looksLikeKey } from './key-material';
export * from './open-key-store';
export * from './sqlite-key-store';
export * from './postgres-key-store';
