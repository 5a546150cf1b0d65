import { PermanentError } from '@app/config/faults';

/*
 * Typed refusals of the subject key store. All permanent (retrying cannot bring a key
 * back), and none quotes a subject identifier or plaintext: messages end up in logs and
 * dead-letter reasons, pseudonyms may appear there, personal data may not.
 */

/** The subject's key was shredded: its subject parts are gone for good. */
export class SubjectShreddedError extends PermanentError {
  override name = 'SubjectShreddedError';
  constructor(
    readonly pseudonym: string,
    readonly shreddedAt: string,
  ) {
    super(`subject ${pseudonym} was shredded at ${shreddedAt}: its subject data is unrecoverable`);
  }
}

/** The store never issued this pseudonym for this tenant (or the tenant is another one). */
export class UnknownPseudonymError extends PermanentError {
  override name = 'UnknownPseudonymError';
  constructor(readonly pseudonym: string) {
    super(`subject ${pseudonym} is not known to the subject key store for this tenant`);
  }
}

/** The ciphertext is malformed, altered, or was encrypted for another tenant or pseudonym. */
export class SubjectCiphertextError extends PermanentError {
  override name = 'SubjectCiphertextError';
  constructor(
    readonly pseudonym: string,
    reason: string,
  ) {
    super(`subject part of ${pseudonym} does not decrypt: ${reason}`);
  }
}
