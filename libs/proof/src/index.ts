export * from './merkle';
export * from './signing-key';
export * from './checkpoint';
export * from './checkpoint-store';
export * from './ledger-proof';
export * from './bundle/bundle-format';
export * from './bundle/export-bundle';
export * from './bundle/verify-bundle';
