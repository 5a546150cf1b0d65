import { LifecycleEventDto } from './lifecycle-event.dto';

/** Topic `subscription-reactivated`: the envelope alone says which tenant and when. */
export class SubscriptionReactivatedDto extends LifecycleEventDto {}
