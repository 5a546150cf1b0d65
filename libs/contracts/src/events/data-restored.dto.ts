import { Field } from '../validation/field.decorator';
import { idRule } from '../validation/field-rules';
import { LifecycleEventDto } from './lifecycle-event.dto';

/** Topic `data-restored`: a deleted data item came back (a recycle bin's restore). */
export class DataRestoredDto extends LifecycleEventDto {
  @Field(idRule) dataId!: string;
}
