import type { KeyObject } from 'node:crypto';
import { POLICY_STREAM } from '@app/contracts';
import type { LedgerStore, StreamHead, VerifyResult } from '@app/ledger';
import { checkpointProblem, signCheckpoint, type Checkpoint } from './checkpoint';
import type { SigningKey } from './signing-key';

/** A checkpoint that does not hold by itself (bad signature, heads that do not give its root). */
export class CheckpointInvalidError extends Error {
  override readonly name = 'CheckpointInvalidError';
}

export interface LedgerVerifyOptions {
  tenantId?: string;
  /** The ledger must still extend it: same hash at every head position it lists. */
  checkpoint?: { checkpoint: Checkpoint; publicKey: KeyObject; keyId: string };
  onProgress?: (done: number, total: number) => void;
  onHeads?: (heads: readonly StreamHead[]) => void;
}

/**
 * `verify`: the ledger's chains (or one tenant's, with the policy stream its obligations
 * are derived from), against a checkpoint when given one. Throws CheckpointInvalidError
 * for a checkpoint that fails on its own, UnknownTenantError for a tenant never seen.
 */
export async function verifyLedger(
  ledger: LedgerStore,
  opts: LedgerVerifyOptions = {},
): Promise<VerifyResult> {
  const kept = opts.checkpoint;
  if (kept !== undefined) {
    const problem = checkpointProblem(kept.checkpoint, kept.publicKey, kept.keyId);
    if (problem !== undefined) throw new CheckpointInvalidError(`the checkpoint does not hold: ${problem}`);
  }
  const expected = kept?.checkpoint.heads;
  const first = await ledger.verify({
    tenantId: opts.tenantId,
    expected,
    onProgress: opts.onProgress,
    onHeads: opts.onHeads,
  });
  if (!first.ok || opts.tenantId === undefined || opts.tenantId === POLICY_STREAM) return first;
  // A tenant's obligations are folded from its stream and the policy stream: both are checked.
  const hasPolicy =
    (expected ?? []).some((h) => h.tenantId === POLICY_STREAM) ||
    (await ledger.streamHeads()).some((h) => h.tenantId === POLICY_STREAM);
  if (!hasPolicy) return first;
  const policy = await ledger.verify({ tenantId: POLICY_STREAM, expected });
  if (!policy.ok) return policy;
  return { ok: true, entries: first.entries + policy.entries, streams: first.streams + policy.streams };
}

export type CheckpointOutcome = { ok: true; checkpoint: Checkpoint } | Extract<VerifyResult, { ok: false }>;

/**
 * Makes a checkpoint: verifies the whole ledger (and that it still extends `previous`, the
 * last checkpoint made), then signs the heads of that verified snapshot. A ledger that
 * does not verify is never signed.
 */
export async function makeCheckpoint(
  ledger: LedgerStore,
  key: SigningKey,
  now: Date,
  previous?: Checkpoint,
): Promise<CheckpointOutcome> {
  let heads: readonly StreamHead[] = [];
  const checkpoint =
    previous !== undefined && checkpointProblem(previous, key.publicKey, key.keyId) === undefined
      ? { checkpoint: previous, publicKey: key.publicKey, keyId: key.keyId }
      : undefined;
  const result = await verifyLedger(ledger, { checkpoint, onHeads: (h) => (heads = h) });
  if (!result.ok) return result;
  return { ok: true, checkpoint: signCheckpoint(heads, key, now) };
}
