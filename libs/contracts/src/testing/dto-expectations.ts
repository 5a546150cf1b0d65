import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DtoClass, FieldProblem, validateDto } from '../validation/validate-dto';

/**
 * Test helpers for DTO specs (not part of the public surface). Every expectation is
 * checked twice: through `validateDto` (fast path + class-validator messages) and
 * through plain class-validator as a Nest `ValidationPipe` would run it, so the DTOs
 * are proven to stand on their own.
 */
type Plain = Record<string, unknown>;

function classValidatorProblems<T extends object>(cls: DtoClass<T>, plain: Plain): FieldProblem[] {
  return validateSync(plainToInstance(cls, plain))
    .map((e) => ({ field: e.property, problem: Object.values(e.constraints ?? {}).join('; ') }))
    .sort((a, b) => a.field.localeCompare(b.field));
}

export function problemsOf<T extends object>(cls: DtoClass<T>, plain: Plain): FieldProblem[] {
  const result = validateDto(cls, plain);
  const problems = result.ok ? [] : result.problems;
  const sorted = [...problems].sort((a, b) => a.field.localeCompare(b.field));
  expect(classValidatorProblems(cls, plain)).toEqual(sorted);
  return problems;
}

/** The validated instance; fails the test if either validator rejects. */
export function acceptedDto<T extends object>(cls: DtoClass<T>, plain: Plain): T {
  expect(problemsOf(cls, plain)).toEqual([]);
  const result = validateDto(cls, plain);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.problems)}`);
  expect(result.value).toBeInstanceOf(cls);
  return result.value;
}

export function expectAccepted<T extends object>(cls: DtoClass<T>, plain: Plain): void {
  acceptedDto(cls, plain);
}

export function expectRejected<T extends object>(
  cls: DtoClass<T>,
  plain: Plain,
  field: string,
  problem: string,
): void {
  expect(problemsOf(cls, plain)).toEqual([{ field, problem }]);
}

/** A copy without one field (how "missing" looks after JSON.parse). */
export function without(plain: Plain, field: string): Plain {
  const copy = { ...plain };
  delete copy[field];
  return copy;
}

/** Bad values every printable-id field shares; `max` is its length limit. */
export function printableIdCases(max: number): [string, unknown, string][] {
  const message = `must be 1-${max} printable characters (no control characters)`;
  return [
    ['empty', '', message],
    ['too long', 'x'.repeat(max + 1), message],
    ['newline', 'a\nb', message],
    ['NUL', 'a\u0000b', message],
    ['DEL', 'a\u007fb', message],
    ['C1 control', 'a\u0085b', message],
    ['bidi override', 'a\u202eb', message],
    ['bidi isolate', 'a\u2067b', message],
    ['lone surrogate', 'a\ud800b', message],
    ['number', 42, 'must be a string'],
    ['object', { id: 'a' }, 'must be a string'],
    ['null', null, 'is required'],
  ];
}
