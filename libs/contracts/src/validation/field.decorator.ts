import { IsOptional, ValidateBy } from 'class-validator';
import { FieldRule } from './field-rule';

export interface FieldSpec {
  readonly property: string;
  readonly rule: FieldRule;
  readonly optional: boolean;
}

/** Our own record of each DTO's fields (keyed by prototype), read by `validateDto`'s fast path. */
const ownFields = new Map<object, FieldSpec[]>();

function register(target: object, property: string | symbol, rule: FieldRule, optional: boolean): void {
  if (typeof property !== 'string') throw new Error('DTO fields must have string names');
  const list = ownFields.get(target) ?? [];
  list.push({ property, rule, optional });
  ownFields.set(target, list);
  ValidateBy({
    name: rule.name,
    validator: {
      validate: (value: unknown) => rule.check(value) === undefined,
      defaultMessage: (args) => rule.check(args?.value) ?? '',
    },
  })(target, property);
}

/** A required contract field: registers the rule with class-validator and with the fast path. */
export function Field(rule: FieldRule): PropertyDecorator {
  return (target, property) => register(target, property, rule, false);
}

/**
 * An optional contract field. Absent and `null` both mean "not given" (class-validator's
 * `@IsOptional` semantics): producers serialising an unset field as null are common and harmless.
 */
export function OptionalField(rule: FieldRule): PropertyDecorator {
  return (target, property) => {
    IsOptional()(target, property);
    register(target, property, rule, true);
  };
}

/**
 * All fields of a DTO class, base class fields first (so error lists follow the
 * contract's order: envelope, then the topic's extra fields). Redeclaring an
 * inherited field is refused: class-validator would merge the two declarations
 * differently from this list.
 */
export function fieldsOf(prototype: object): FieldSpec[] {
  const chain: object[] = [];
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    chain.unshift(p);
  }
  const fields: FieldSpec[] = [];
  const seen = new Set<string>();
  for (const p of chain) {
    for (const spec of ownFields.get(p) ?? []) {
      if (seen.has(spec.property)) throw new Error(`DTO field ${spec.property} is declared twice`);
      seen.add(spec.property);
      fields.push(spec);
    }
  }
  return fields;
}
