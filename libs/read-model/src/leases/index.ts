export * from './lease-store';
export * from './open-lease-store';
export * from './sqlite-lease-store';
export * from './postgres-lease-store';
export * from './projector-lock';
