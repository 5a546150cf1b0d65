export * from './subject-key-store';
export * from './subject-key-errors';
export * from './pseudonym';
export * from './subject-cipher';
export * from './open-subject-key-store';
export { SqliteSubjectKeyStore } from './sqlite-subject-key-store';
