import { Field, OptionalField } from '../validation/field.decorator';
import { idRule, nameRule, regionRule } from '../validation/field-rules';
import { LifecycleEventDto } from './lifecycle-event.dto';

/** Topic `data-created`. Category and region are checked against configuration in `parseRecord`. */
export class DataCreatedDto extends LifecycleEventDto {
  @Field(idRule) dataId!: string;
  @Field(nameRule) category!: string;
  @Field(regionRule) region!: string;
  @Field(idRule) store!: string;
  /** The user the data belongs to, if any. Personal data: goes to the entry's subject part only. */
  @OptionalField(idRule) subjectId?: string;
}
