/**
 * The form of a subject pseudonym (`sp_` + 26 base32 characters of 128 random bits, made
 * by libs/subject-keys). It is named here, in the contract, because three places must
 * agree on it: the key store that issues pseudonyms, ingest that refuses a producer's
 * subjectId of this form (it would pass for a pseudonym), and the dispatcher that turns a
 * pseudonym back into the subject's id for its regional store.
 */
export const PSEUDONYM_PATTERN = /^sp_[a-z2-7]{26}$/;

export function isPseudonym(value: string): boolean {
  return PSEUDONYM_PATTERN.test(value);
}
