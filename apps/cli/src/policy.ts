import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '@app/config';
import { NewEntry, POLICY_STREAM } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { contentHashOf } from '@app/reports';
import {
  decidePolicyActivation,
  DEFAULT_POLICY,
  parsePolicy,
  Policy,
  PolicyError,
  type ActivePolicyEntry,
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
 * The decision is the domain's (`decidePolicyActivation`); this reads the policy stream
 * and appends. Returns the entry appended, or undefined when the policy was already the
 * active one; throws a PolicyError when the preservation lock refuses it.
 */
export async function activatePolicy(
  ledger: LedgerStore,
  policy: Policy,
  now: Date,
): Promise<NewEntry | undefined> {
  let last: ActivePolicyEntry | undefined;
  for await (const e of ledger.readStream(POLICY_STREAM)) {
    last = { data: e.data as ActivePolicyEntry['data'], streamPosition: e.streamPosition };
  }
  const decision = decidePolicyActivation(last, { policy, contentHash: contentHashOf(policy), now });
  if (decision.kind === 'unchanged') return undefined;
  if (decision.kind === 'refused')
    throw new PolicyError(decision.issues, 'RETENTION_POLICY: activation refused');
  await ledger.appendBatch([decision.entry], now);
  return decision.entry;
}
