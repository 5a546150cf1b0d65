import { Field } from '../validation/field.decorator';
import { eventIdRule, tenantIdRule, timestampRule } from '../validation/field-rules';

/**
 * The envelope every lifecycle event carries (DESIGN.md "Public contract v1").
 * Unknown extra fields are tolerated, not rejected: producers evolve ahead of us,
 * and `validateDto` copies only the fields declared here and in subclasses.
 */
export abstract class LifecycleEventDto {
  /** 1-128 printable characters; the ledger's idempotency key. */
  @Field(eventIdRule) eventId!: string;
  /** 1-64 of [A-Za-z0-9._-]; must equal the Kafka record key when one is set. */
  @Field(tenantIdRule) tenantId!: string;
  /** RFC 3339 with an explicit offset; normalised to UTC milliseconds in the ledger. */
  @Field(timestampRule) occurredAt!: string;
}
