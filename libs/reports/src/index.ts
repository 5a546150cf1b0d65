export * from './audit-report';
export * from './tenant-view';
export * from './tenant-audit';
export * from './html-report';
export { escapeHtml } from './html-escape';
export { durationText } from './duration-text';
export { retriesExhausted } from './retries-exhausted';
export * from './operator-actions';
export * from './policy-diff';
