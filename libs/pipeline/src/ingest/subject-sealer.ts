import { quoteJson } from '@app/contracts/canonical-json';
import { isSealed, type NewEntry, type SubjectPart } from '@app/contracts/entry-types';
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

/** The subject parts already stored for some eventIds (`LedgerStore.storedSubjects`). */
export type StoredSubjects = (eventIds: readonly string[]) => Promise<Map<string, SubjectPart | null>>;

/** `LedgerStore.storedSubjects`, or one `findByEventId` per eventId where an adapter has no batch form. */
export function storedSubjectsOf(ledger: LedgerStore): StoredSubjects {
  if (ledger.storedSubjects) return (ids) => ledger.storedSubjects!(ids);
  return async (ids) => {
    const out = new Map<string, SubjectPart | null>();
    for (const id of ids) {
      const entry = await ledger.findByEventId(id);
      if (entry !== undefined) out.set(id, entry.subject);
    }
    return out;
  };
}

type Plain = { index: number; tenantId: string; subjectId: string };

/**
 * A redelivery names its subject by the pseudonym its first copy already has, instead of being
 * sealed afresh: while the key exists and names the same id, that is the same subject part
 * (and the ledger's eventId check sees a duplicate); once the key was shredded, sealing again
 * would create a new key holding the id — in the key store the shred had just emptied — so
 * the stored part is reused and the id never comes back. A redelivery naming another id is
 * sealed as it is, and the ledger reports the conflict. Returns the entries left to seal.
 */
async function reuseStored(
  keys: SubjectKeyStore,
  stored: StoredSubjects,
  entries: NewEntry[],
  plain: Plain[],
): Promise<Plain[]> {
  const found = await stored(plain.map((p) => entries[p.index].eventId));
  if (found.size === 0) return plain;
  const rest: Plain[] = [];
  for (const p of plain) {
    const part = found.get(entries[p.index].eventId);
    if (part == null || !isSealed(part)) {
      rest.push(p);
      continue;
    }
    const owner = await keys.lookup(p.tenantId, part.pseudonym);
    const same = owner.state === 'shredded' || (owner.state === 'active' && owner.subjectId === p.subjectId);
    if (same)
      entries[p.index] = {
        ...entries[p.index],
        subject: { pseudonym: part.pseudonym, ciphertext: part.ciphertext },
      };
    else rest.push(p);
  }
  return rest;
}

/**
 * Per batch, one key store call: each plain subject part gets its subject's pseudonym
 * (created on first use) and the ciphertext of `{"subjectId":…}` under the subject's key.
 * With `stored`, redeliveries of stored entries keep their stored part (`reuseStored`).
 */
export function subjectSealer(keys: SubjectKeyStore, stored?: StoredSubjects): SubjectSealer {
  return async (entries, now) => {
    let plain: Plain[] = [];
    entries.forEach(({ tenantId, subject }, index) => {
      if (subject !== null && !isSealed(subject))
        plain.push({ index, tenantId, subjectId: subject.subjectId });
    });
    const out = [...entries];
    if (plain.length === 0) return out;
    if (stored) plain = await reuseStored(keys, stored, out, plain);
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
  const seal = subjectSealer(keys, storedSubjectsOf(ledger));
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
