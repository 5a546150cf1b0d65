/**
 * One rule per contract field: a name (the class-validator constraint name) and a
 * check that returns the problem in words, or undefined when the value is fine.
 *
 * Why a hand-rolled rule instead of stacking stock decorators (`@IsString`,
 * `@Matches`, `@MaxLength`, …): the same rule object feeds both class-validator
 * (through `@Field`) and the cached fast path in `validateDto`, so the two cannot
 * disagree, and each field yields exactly one precise message instead of several
 * overlapping ones.
 */
export interface FieldRule {
  readonly name: string;
  check(value: unknown): string | undefined;
}

export const REQUIRED_MESSAGE = 'is required';
export const STRING_MESSAGE = 'must be a string';

/** Shared prologue: absent and non-string values get the same words everywhere. */
export function stringRule(name: string, checkString: (value: string) => string | undefined): FieldRule {
  return {
    name,
    check(value) {
      if (value === undefined || value === null) return REQUIRED_MESSAGE;
      if (typeof value !== 'string') return STRING_MESSAGE;
      return checkString(value);
    },
  };
}
