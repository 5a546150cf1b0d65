import { parsePolicy } from '@app/retention';

/** A policy whose deletions are due at once: dispatcher tests need due obligations now. */
export const ZERO_DELAY_POLICY = parsePolicy(
  `
version: zero-delay
categories: [personal]
rules:
  personal:
    onDataDeletion:    { action: purge, after: PT0S, deadline: P30D }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubscriptionEnd: { action: keep }
`,
  'yaml',
);
