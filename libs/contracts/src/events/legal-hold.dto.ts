import { Field, OptionalField } from '../validation/field.decorator';
import { errorTextRule, idRule, nameRule, oneOfRule } from '../validation/field-rules';
import { LifecycleEventDto } from './lifecycle-event.dto';

export const HOLD_ACTIONS = ['placed', 'released'] as const;
export type HoldAction = (typeof HOLD_ACTIONS)[number];

/** Topic `legal-hold`. */
export class LegalHoldDto extends LifecycleEventDto {
  @Field(idRule) holdId!: string;
  @Field(oneOfRule('action', HOLD_ACTIONS)) action!: HoldAction;
  /** Absent: the hold covers the whole tenant. Personal data: goes to the subject part only. */
  @OptionalField(idRule) subjectId?: string;
  /** Narrows the hold to one data item (with `subjectId` and `category`, all given must match). */
  @OptionalField(idRule) dataId?: string;
  /** Narrows the hold to data of one policy category. */
  @OptionalField(nameRule) category?: string;
  /** Why (free text), shown in reports. */
  @OptionalField(errorTextRule) reason?: string;
  /** The matter or case reference, shown in reports. */
  @OptionalField(idRule) caseRef?: string;
  /** Who placed (or released) it, shown in reports. */
  @OptionalField(idRule) placedBy?: string;
}
