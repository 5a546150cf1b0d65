import { parsePolicy } from '@app/retention';

/** A policy whose deletions are due at once, as YAML (tests need due obligations now). */
export function zeroDelayPolicyYaml(version: string): string {
  return `
version: ${version}
categories: [personal]
rules:
  personal:
    onDataDeletion:    { action: purge, after: PT0S, deadline: P30D }
    onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
    onSubscriptionEnd: { action: keep }
`;
}

/** The same policy parsed: dispatcher tests need due obligations now. */
export const ZERO_DELAY_POLICY = parsePolicy(zeroDelayPolicyYaml('zero-delay'), 'yaml');
