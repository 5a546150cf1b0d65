// The ledger port and what opens it; most callers need nothing else.
export * from './ledger-store';
export * from './open-ledger';
export * from './ledger-errors';
export { LedgerInputError } from './append-plan';
export { APPEND_ONLY_MESSAGE } from './append-only';

// The hash chain, for verifiers and tests.
// (The general RFC 8785 encoder, `canonicalJson`, is `@app/contracts/canonical-json`.)
export {
  canonicalEntry,
  ENTRY_FORMAT_VERSION,
  hashedEnvelope,
  type HashedEnvelope,
  type HashedFields,
} from './canonical';
export type { ChainRecord } from './chain-record';
export {
  ChainVerifier,
  entryHash,
  GENESIS_HASH,
  toChainLink,
  type ChainBreak,
  type ChainLink,
} from './hash-chain';
export { payloadHash } from './payload-hash';
export { publicSubject, subjectDigest, subjectPartOf, type StoredSubject } from './subject';
export { verifyChains } from './verify';

// Adapters. PostgreSQL and EventStoreDB as types only, so importing this module
// does not load their clients; import their modules (or use openLedger) for the classes.
export { SqliteLedgerStore, type SqliteLedgerOptions } from './sqlite/sqlite-ledger-store';
export type { PostgresLedgerStore, PostgresLedgerOptions } from './postgres/postgres-ledger-store';
export type { EsdbLedgerStore, EsdbLedgerOptions } from './esdb/esdb-ledger-store';
export { encodeEsdbCursor, parseEsdbCursor } from './esdb/esdb-cursor';
