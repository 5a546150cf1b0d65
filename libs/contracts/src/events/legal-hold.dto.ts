import { Field, OptionalField } from '../validation/field.decorator';
import { idRule, oneOfRule } from '../validation/field-rules';
import { LifecycleEventDto } from './lifecycle-event.dto';

export const HOLD_ACTIONS = ['placed', 'released'] as const;
export type HoldAction = (typeof HOLD_ACTIONS)[number];

/** Topic `legal-hold`. */
export class LegalHoldDto extends LifecycleEventDto {
  @Field(idRule) holdId!: string;
  @Field(oneOfRule('action', HOLD_ACTIONS)) action!: HoldAction;
  /** Absent: the hold covers the whole tenant. Personal data: goes to the subject part only. */
  @OptionalField(idRule) subjectId?: string;
}
