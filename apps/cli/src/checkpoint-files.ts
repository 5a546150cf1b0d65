import fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { ConfigError, type AppConfig } from '@app/config';
import { keyIdOf, parsePublicKey, readSigningKey, type Checkpoint } from '@app/proof';

/** A checkpoint file (`checkpoint --out`, or a record of `ledger-checkpoints`); a usage error if it is not one. */
export function readCheckpointFile(file: string): Checkpoint {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--checkpoint: cannot read "${file}": ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`--checkpoint "${file}" is not JSON`);
  }
  const c = parsed as Partial<Checkpoint> | null;
  if (typeof c?.rootHash !== 'string' || !Array.isArray(c.heads)) {
    throw new ConfigError(`--checkpoint "${file}" is not a checkpoint with heads (rootHash, heads)`);
  }
  return c as Checkpoint;
}

/**
 * The public key checkpoints are checked against: `--public-key FILE` (what an auditor
 * was given), else the one of CHECKPOINT_KEY. Never creates a key.
 */
export function checkingKey(
  config: Pick<AppConfig, 'checkpointKey'>,
  publicKeyFile: string | undefined,
): { publicKey: KeyObject; keyId: string } {
  if (publicKeyFile !== undefined) {
    let pem: string;
    try {
      pem = fs.readFileSync(publicKeyFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`--public-key: cannot read "${publicKeyFile}": ${(err as Error).message}`);
    }
    const publicKey = parsePublicKey(pem, `--public-key "${publicKeyFile}"`);
    return { publicKey, keyId: keyIdOf(publicKey) };
  }
  const key = readSigningKey(config.checkpointKey);
  return { publicKey: key.publicKey, keyId: key.keyId };
}
