import type { NewEntry } from '@app/contracts';

export type EntryCheck = (entry: NewEntry, accepted: readonly NewEntry[]) => Promise<string | undefined>;

/** The first check's reason to reject, or undefined when every check passes. */
export function allChecks(...checks: EntryCheck[]): EntryCheck {
  return async (entry, accepted) => {
    for (const check of checks) {
      const reason = await check(entry, accepted);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}
