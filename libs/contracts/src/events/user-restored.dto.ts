import { Field } from '../validation/field.decorator';
import { idRule } from '../validation/field-rules';
import { LifecycleEventDto } from './lifecycle-event.dto';

/** Topic `user-restored`: a deleted user came back. Personal data: `subjectId` goes to the subject part only. */
export class UserRestoredDto extends LifecycleEventDto {
  @Field(idRule) subjectId!: string;
}
