import { LifecycleEventDto } from './lifecycle-event.dto';

/** Topic `subscription-ended`: the envelope alone says which tenant and when. */
export class SubscriptionEndedDto extends LifecycleEventDto {}
