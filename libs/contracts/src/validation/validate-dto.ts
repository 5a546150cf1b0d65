import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError, ValidatorOptions } from 'class-validator';
import { fieldsOf, FieldSpec } from './field.decorator';

export type DtoClass<T extends object> = new () => T;

export interface FieldProblem {
  field: string;
  problem: string;
}

export type DtoResult<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/**
 * Created once: class-validator reads these on every call, and rebuilding them per
 * record is measurable at ingest rates.
 * - whitelist off / forbidNonWhitelisted off: unknown extra fields are tolerated so
 *   producers can add fields without their events being dead-lettered. They never
 *   reach the ledger anyway: only declared fields are copied (see `pick`).
 * - forbidUnknownValues on: we always hand it a decorated instance, so a failure
 *   there would be our bug, and it should be loud.
 * - stopAtFirstError: each field has exactly one rule; keep one message per field.
 * - no target/value in errors: they would only be garbage for a rejected record.
 */
const VALIDATOR_OPTIONS: ValidatorOptions = Object.freeze({
  whitelist: false,
  forbidNonWhitelisted: false,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: Object.freeze({ target: false, value: false }),
});

/** Per-class field lists, resolved once (walking prototypes per record would be waste). */
const fieldCache = new Map<DtoClass<object>, FieldSpec[]>();

function cachedFields(cls: DtoClass<object>): FieldSpec[] {
  let fields = fieldCache.get(cls);
  if (fields === undefined) {
    fields = fieldsOf(cls.prototype);
    fieldCache.set(cls, fields);
  }
  return fields;
}

/**
 * Copies only declared fields, as own properties. This is what keeps producers'
 * extra fields out of DTO instances, and keeps keys like `__proto__` (which
 * JSON.parse creates as plain own properties) away from class-transformer.
 */
function pick(fields: FieldSpec[], plain: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const { property } of fields) {
    if (Object.prototype.hasOwnProperty.call(plain, property)) picked[property] = shallow(plain[property]);
  }
  return picked;
}

/**
 * No field rule looks deeper than a few levels (a command's `target.categories` is the
 * deepest), so what lies deeper is replaced by an empty object or array of the same kind:
 * the rule fails the same way. class-transformer copies nested values recursively, and a
 * producer's 5 000-deep object would otherwise overflow the stack.
 */
const RULE_DEPTH = 8;

function shallow(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= RULE_DEPTH) return Array.isArray(value) ? [] : {};
  if (Array.isArray(value)) return value.map((v) => shallow(v, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = shallow(v, depth + 1);
  return copy;
}

function problemsFromRules(fields: FieldSpec[], plain: Readonly<Record<string, unknown>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const { property, rule, optional } of fields) {
    const value = Object.prototype.hasOwnProperty.call(plain, property) ? plain[property] : undefined;
    if (optional && (value === undefined || value === null)) continue;
    const problem = rule.check(value);
    if (problem !== undefined) problems.push({ field: property, problem });
  }
  return problems;
}

function problemsFromErrors(fields: FieldSpec[], errors: ValidationError[]): FieldProblem[] {
  const order = new Map(fields.map((f, i) => [f.property, i]));
  return errors
    .map((e) => ({ field: e.property, problem: Object.values(e.constraints ?? {}).join('; ') }))
    .sort((a, b) => (order.get(a.field) ?? order.size) - (order.get(b.field) ?? order.size));
}

/**
 * Validates a parsed JSON object against a DTO class.
 *
 * Fast path: the DTO's cached rules are run directly. Those are the very rule objects
 * `@Field` registered with class-validator, so this is the same validation without
 * class-validator's per-call overhead (it rebuilds metadata lists on every call;
 * about 10 µs per record, against ~1 µs here).
 *
 * When anything fails, the record goes through `plainToInstance` + `validateSync`,
 * and class-validator's messages are the ones reported, in declaration order
 * (envelope fields first). Rejections are rare, so their cost does not matter.
 */
export function validateDto<T extends object>(
  cls: DtoClass<T>,
  plain: Readonly<Record<string, unknown>>,
): DtoResult<T> {
  const fields = cachedFields(cls);
  // An instance without running the constructor: DTOs have none, and their class fields'
  // initialisers (one defineProperty per declared field, ~0.5 µs a record at ingest) would
  // only be overwritten. Absent optional fields are then absent rather than undefined.
  const built = Object.create(cls.prototype as object) as Record<string, unknown>;
  let valid = true;
  for (const { property, rule, optional } of fields) {
    const value = Object.prototype.hasOwnProperty.call(plain, property) ? plain[property] : undefined;
    if (optional && (value === undefined || value === null)) continue;
    if (rule.check(value) !== undefined) {
      valid = false;
      break;
    }
    built[property] = value;
  }
  if (valid) return { ok: true, value: built as T };

  const instance = plainToInstance(cls, pick(fields, plain));
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  // Both paths run the same rules, so class-validator finds problems whenever the fast
  // path did; the rule-derived list is only a guard against silently accepting.
  const problems = errors.length > 0 ? problemsFromErrors(fields, errors) : problemsFromRules(fields, plain);
  return { ok: false, problems };
}

/** `invalid field a: …; invalid field b: …`, the reason format used for dead letters. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `invalid field ${p.field}: ${p.problem}`).join('; ');
}
