import type { DeletedBy } from '../entry-types';
import { Field } from '../validation/field.decorator';
import { idRule, oneOfRule } from '../validation/field-rules';
import { DELETED_BY } from './deleted-by';
import { LifecycleEventDto } from './lifecycle-event.dto';

/** Topic `data-deleted`. */
export class DataDeletedDto extends LifecycleEventDto {
  @Field(idRule) dataId!: string;
  @Field(oneOfRule('deletedBy', DELETED_BY)) deletedBy!: DeletedBy;
}
