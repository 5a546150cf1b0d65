import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '@app/config';
import { NewEntry, POLICY_STREAM } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { contentHashOf } from '@app/reports';
import {
  canonicalPolicyJson,
  checkPolicy,
  checkPolicyChange,
  DEFAULT_POLICY,
  parsePolicy,
  Policy,
  PolicyError,
} from '@app/retention';

/** RETENTION_POLICY (YAML or JSON by extension), or the built-in default. Throws naming the bad field. */
export function loadPolicy(
  config: Pick<AppConfig, 'retentionPolicy'> & Partial<Pick<AppConfig, 'regions'>>,
): Policy {
  const file = config.retentionPolicy;
  if (!file) return DEFAULT_POLICY;
  const policy = readPolicyFile(file);
  // A region's rules for a region this deployment does not have would apply nowhere: a typo, most likely.
  const unknown = Object.keys(policy.regions ?? {}).filter(
    (r) => config.regions && !config.regions.includes(r),
  );
  if (unknown.length > 0) {
    throw new PolicyError(
      unknown.map((r) => ({
        path: `regions.${r}`,
        message: `unknown region "${r}" (REGIONS: ${config.regions?.join(', ')})`,
      })),
      `RETENTION_POLICY ${file}`,
    );
  }
  return policy;
}

function readPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`RETENTION_POLICY: cannot read "${file}": ${(err as Error).message}`);
  }
  const format = path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  return parsePolicy(text, format, `RETENTION_POLICY ${file}`);
}

/**
 * Records the policy in the ledger when its content differs from the last one activated
 * (DESIGN.md semantics 9), so every obligation can name the version it was computed under.
 * Returns the entry appended, or undefined when the policy was already the active one.
 */
export async function activatePolicy(
  ledger: LedgerStore,
  policy: Policy,
  now: Date,
): Promise<NewEntry | undefined> {
  const contentHash = contentHashOf(policy);
  let last: { contentHash?: string; policy?: unknown } | undefined;
  let position = 0;
  for await (const e of ledger.readStream(POLICY_STREAM)) {
    last = e.data as { contentHash?: string; policy?: unknown };
    position = e.streamPosition;
  }
  if (last?.contentHash === contentHash) return undefined;
  // The preservation lock: a locked category of the policy in force may not be weakened.
  const current = last?.policy === undefined ? undefined : checkPolicy(last.policy).policy;
  const refusals = current ? checkPolicyChange(current, policy) : [];
  if (refusals.length > 0) throw new PolicyError(refusals, 'RETENTION_POLICY: activation refused');
  const entry: NewEntry<'PolicyActivated'> = {
    // Deterministic for the ledger's state: two processes starting together append it once.
    eventId: `policy:${contentHash.slice(0, 16)}:${position + 1}`,
    tenantId: POLICY_STREAM,
    type: 'PolicyActivated',
    occurredAt: now.toISOString(),
    data: { version: policy.version, contentHash, policy: JSON.parse(canonicalPolicyJson(policy)) },
    subject: null,
    source: null,
  };
  await ledger.appendBatch([entry], now);
  return entry;
}
