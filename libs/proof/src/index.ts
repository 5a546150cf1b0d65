export * from './merkle';
export * from './signing-key';
export * from './checkpoint';
export * from './checkpoint-store';
export * from './ledger-proof';
