import { OptionalField } from '../validation/field.decorator';
import { flagRule } from '../validation/field-rules';
import { LifecycleEventDto } from './lifecycle-event.dto';

/**
 * Topic `subscription-ended`: the envelope alone says which tenant and when.
 * `expedite: true` asks for an expedited tenant deletion: purged after a short delay
 * (policy `expedited`), the one case that overrides legal holds (flagged in the report).
 */
export class SubscriptionEndedDto extends LifecycleEventDto {
  @OptionalField(flagRule) expedite?: boolean;
}
