import { quoteJson } from '@app/contracts/canonical-json';
import { isSealed, type NewEntry } from '@app/contracts/entry-types';
import type { LedgerStore } from '@app/ledger';
import type { SubjectKeyStore } from '@app/subject-keys';

/** Seals the plain subject parts of a batch before it is appended; the rest passes as it is. */
export type SubjectSealer = (entries: readonly NewEntry[], now: Date) => Promise<NewEntry[]>;

/** How the ledger stores subject parts: set by its first one, so one ledger never mixes the two. */
export type SubjectForm = 'sealed' | 'plain';

/**
 * The form of the first subject part in the ledger, or undefined for a ledger without one.
 * A ledger that began plain stays plain until it is migrated (docs/subject-data.md): sealing
 * its new entries would make one subject two for the fold — its old entries under its id,
 * its new ones under a pseudonym — and change what is derived, silently.
 */
export async function ledgerSubjectForm(ledger: LedgerStore): Promise<SubjectForm | undefined> {
  for (let cursor: string | undefined; ;) {
    const page = await ledger.readAll(cursor, 1000);
    const first = page.entries.find((e) => e.subject !== null);
    if (first?.subject) return isSealed(first.subject) ? 'sealed' : 'plain';
    if (page.entries.length === 0) return undefined;
    cursor = page.last;
  }
}

/**
 * Per batch, one key store call: each plain subject part gets its subject's pseudonym
 * (created on first use) and the ciphertext of `{"subjectId":…}` under the subject's key.
 */
export function subjectSealer(keys: SubjectKeyStore): SubjectSealer {
  return async (entries, now) => {
    const plain: Array<{ index: number; tenantId: string; subjectId: string }> = [];
    entries.forEach(({ tenantId, subject }, index) => {
      if (subject !== null && !isSealed(subject))
        plain.push({ index, tenantId, subjectId: subject.subjectId });
    });
    const out = [...entries];
    if (plain.length === 0) return out;
    const sealed = await keys.sealBatch(
      plain.map(({ tenantId, subjectId }) => ({
        tenantId,
        subjectId,
        plaintext: '{"subjectId":' + quoteJson(subjectId) + '}',
      })),
      now,
    );
    plain.forEach(({ index }, k) => {
      out[index] = {
        ...entries[index],
        subject: { pseudonym: sealed[k].pseudonym, ciphertext: sealed[k].ciphertext },
      };
    });
    return out;
  };
}

/**
 * The sealer `run` uses: seals unless the ledger began plain (then it warns once, through
 * `onPlain`, and appends plain as before). The ledger's form is looked up on first use.
 */
export function ledgerSealer(ledger: LedgerStore, keys: SubjectKeyStore, onPlain: () => void): SubjectSealer {
  const seal = subjectSealer(keys);
  let form: Promise<SubjectForm> | undefined;
  return async (entries, now) => {
    form ??= ledgerSubjectForm(ledger).then((found) => {
      if (found === 'plain') onPlain();
      return found ?? 'sealed';
    });
    // A failed look-up is asked again by the retry, not remembered.
    form.catch(() => (form = undefined));
    return (await form) === 'plain' ? [...entries] : seal(entries, now);
  };
}
