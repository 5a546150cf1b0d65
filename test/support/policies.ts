import { zeroDelayPolicyYaml } from '@app/pipeline/testing/zero-delay-policy';

export { zeroDelayPolicyYaml };

/** A policy under which every deletion is due at once. */
export const ZERO_DELAY_POLICY = zeroDelayPolicyYaml('zero-delay-1');
