import { DELETION_TARGET_KINDS } from '../deletion-command';
import { FieldRule, REQUIRED_MESSAGE } from '../validation/field-rule';
import { idRule, NAME_MAX, nameRule } from '../validation/field-rules';

/** A category list longer than this is not a real policy; the bound keeps bad input cheap. */
export const MAX_TARGET_CATEGORIES = 64;

const CATEGORIES_MESSAGE = `categories must be a non-empty array of at most ${MAX_TARGET_CATEGORIES} category names (1-${NAME_MAX} printable characters)`;

function checkCategories(value: unknown): string | undefined {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= MAX_TARGET_CATEGORIES &&
    value.every((c) => nameRule.check(c) === undefined);
  return ok ? undefined : CATEGORIES_MESSAGE;
}

function checkSubField(name: string, value: unknown): string | undefined {
  const problem = idRule.check(value);
  return problem === undefined ? undefined : `${name} ${problem}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `target` union as one rule, so the message names the sub-field at fault
 * (`invalid field target: categories must be …`). Extra keys are tolerated, as
 * everywhere in the contract; a store acts only on the fields of its `kind`.
 */
export const deletionTargetRule: FieldRule = {
  name: 'deletionTarget',
  check(value) {
    if (value === undefined || value === null) return REQUIRED_MESSAGE;
    if (!isRecord(value)) return `must be an object with kind ${DELETION_TARGET_KINDS.join(', ')}`;
    switch (value.kind) {
      case 'data':
        return checkSubField('dataId', value.dataId);
      case 'subject':
        return checkSubField('subjectId', value.subjectId) ?? checkCategories(value.categories);
      case 'tenant':
        return checkCategories(value.categories);
      default:
        return `kind must be one of: ${DELETION_TARGET_KINDS.join(', ')}`;
    }
  },
};
