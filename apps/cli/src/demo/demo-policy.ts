/**
 * The default policy compressed for the demo: one day lasts a tenth of a second, so
 * 30 days are 3 s, the 30 + 90 days of passive deletion 3 + 9 s, 180 days 18 s and the
 * audit log's year 36.5 s. The shape is the default's; only the durations shrink. The
 * audit log is under a preservation lock: a later policy may keep it longer, never shorter
 * (try `policy diff` on the demo's ledger).
 */
export const DEMO_POLICY_YAML = `
version: demo-compressed-1
description: Microsoft 365 / Intune commitments, one day compressed to 0.1 s
categories: [personal, audit-log]
rules:
  personal:
    onDataDeletion:    { action: purge, after: PT0S, deadline: PT3S }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: PT3S }
    onSubscriptionEnd: { action: purge, expired: PT3S, disabled: PT9S, deadline: PT18S }
  audit-log:
    locked: true
    onDataDeletion:    { action: keep }
    onSubjectDeletion: { action: keep }
    onSubscriptionEnd: { action: keep }
    maxAge:            { age: PT36.5S, grace: PT3S }
`;
