import { Field, OptionalField } from '../validation/field.decorator';
import {
  countRule,
  errorTextRule,
  idRule,
  oneOfRule,
  regionRule,
  tenantIdRule,
  timestampRule,
} from '../validation/field-rules';

export const RECEIPT_STATUSES = ['completed', 'failed'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * A regional store's answer to a deletion command, on `deletion-receipts.<region>`.
 * It has no eventId/occurredAt of its own: `parseRecord` derives both, so a
 * redelivered receipt maps to the same ledger entry. Unknown extra fields are
 * tolerated (see `LifecycleEventDto`).
 */
export class DeletionReceiptDto {
  @Field(idRule) commandId!: string;
  @Field(tenantIdRule) tenantId!: string;
  /** Must equal the region of the topic it arrived on (residency, DESIGN.md semantics 7). */
  @Field(regionRule) region!: string;
  @Field(idRule) store!: string;
  @Field(oneOfRule('status', RECEIPT_STATUSES)) status!: ReceiptStatus;
  @Field(timestampRule) completedAt!: string;
  @OptionalField(countRule) deletedCount?: number;
  @OptionalField(errorTextRule) error?: string;
}
