import { DeletionCommand, DELETION_REASONS, DeletionReason, DeletionTarget } from '../deletion-command';
import { Field } from '../validation/field.decorator';
import {
  idRule,
  nameRule,
  oneOfRule,
  regionRule,
  tenantIdRule,
  timestampRule,
} from '../validation/field-rules';
import { deletionTargetRule } from './deletion-target.rule';

/**
 * Validates a deletion command on the regional side (`validateDto(DeletionCommandDto, json)`)
 * before a store acts on it: a malformed command must never purge anything.
 * Unknown extra fields are tolerated so the dispatcher can evolve first.
 */
export class DeletionCommandDto implements DeletionCommand {
  @Field(idRule) commandId!: string;
  @Field(idRule) obligationId!: string;
  @Field(tenantIdRule) tenantId!: string;
  @Field(regionRule) region!: string;
  @Field(idRule) store!: string;
  @Field(deletionTargetRule) target!: DeletionTarget;
  @Field(oneOfRule('reason', DELETION_REASONS)) reason!: DeletionReason;
  @Field(timestampRule) dueAt!: string;
  @Field(timestampRule) deadline!: string;
  @Field(timestampRule) issuedAt!: string;
  @Field(nameRule) policyVersion!: string;
}
