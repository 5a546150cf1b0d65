import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SubjectCiphertextError } from './subject-key-errors';

export const DATA_KEY_BYTES = 32; // AES-256
const NONCE_BYTES = 12; // the GCM standard nonce; random per encryption
const TAG_BYTES = 16;
/** Names the format, so a later one (another cipher, a wrapped key id) can be told apart. */
const PREFIX = 'sk1.';

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/**
 * Additional authenticated data: the ciphertext only opens for the tenant and pseudonym it
 * was made for, so a subject part copied onto another subject's entry fails to decrypt
 * instead of silently naming the wrong person. NUL separates: neither part can contain it.
 */
function aad(tenantId: string, pseudonym: string): Buffer {
  return Buffer.from(`retention-ledger/subject-part/v1\0${tenantId}\0${pseudonym}`, 'utf8');
}

/** `sk1.` + base64url(nonce ‖ ciphertext ‖ tag), AES-256-GCM. */
export function encryptSubjectPart(
  key: Buffer,
  tenantId: string,
  pseudonym: string,
  plaintext: string,
): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(tenantId, pseudonym));
  const body = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return PREFIX + body.toString('base64url');
}

export function decryptSubjectPart(
  key: Buffer,
  tenantId: string,
  pseudonym: string,
  ciphertext: string,
): string {
  if (!ciphertext.startsWith(PREFIX)) throw new SubjectCiphertextError(pseudonym, 'not an sk1 ciphertext');
  const body = Buffer.from(ciphertext.slice(PREFIX.length), 'base64url');
  if (body.length < NONCE_BYTES + TAG_BYTES) throw new SubjectCiphertextError(pseudonym, 'too short');
  const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad(tenantId, pseudonym));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    const plain = Buffer.concat([
      decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    // GCM says only "unable to authenticate": altered, another key, or another tenant/pseudonym.
    throw new SubjectCiphertextError(
      pseudonym,
      'authentication failed (altered, or made for another subject)',
    );
  }
}
