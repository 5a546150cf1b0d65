/** A policy under which every deletion is due at once. */
export const ZERO_DELAY_POLICY = `
version: zero-delay-1
categories: [personal]
rules:
  personal:
    onDataDeletion:    { action: purge, after: PT0S, deadline: P30D }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubscriptionEnd: { action: keep }
`;
