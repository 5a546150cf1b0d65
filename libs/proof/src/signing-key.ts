import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The Ed25519 key that signs checkpoints and bundles (CHECKPOINT_KEY). */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key: what auditors are given and bundles carry. */
  publicKeyPem: string;
  /** sha256 hex of the public key's SPKI DER: names the key in checkpoints. */
  keyId: string;
}

export class CheckpointKeyError extends Error {
  override readonly name = 'CheckpointKeyError';
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** An Ed25519 public key from SPKI PEM; throws CheckpointKeyError for anything else. */
export function parsePublicKey(pem: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new CheckpointKeyError(`${what} is not a public key in PEM: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CheckpointKeyError(`${what} is a ${key.asymmetricKeyType} key, not Ed25519`);
  }
  return key;
}

function fromPrivate(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** Reads the PEM private key at `file` (CHECKPOINT_KEY); never creates one. */
export function readSigningKey(file: string): SigningKey {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CheckpointKeyError(`CHECKPOINT_KEY: cannot read "${file}": ${(err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new CheckpointKeyError(
      `CHECKPOINT_KEY "${file}" is not a PEM private key: ${(err as Error).message}`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CheckpointKeyError(`CHECKPOINT_KEY "${file}" is a ${key.asymmetricKeyType} key, not Ed25519`);
  }
  return fromPrivate(key);
}

/**
 * The signing key at `file`, created there (PKCS#8 PEM, mode 0600) on first use. Written
 * to a temporary file and linked into place, so two processes starting together end up
 * with one key: the loser of the race reads the winner's.
 */
export function loadOrCreateSigningKey(file: string): SigningKey {
  if (fs.existsSync(file)) return readSigningKey(file);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return readSigningKey(file);
}
