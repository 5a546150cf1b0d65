import type { DeletionCommand } from '@app/contracts';
import type { ObligationRecord } from '@app/read-model';
import type { ObligationCommand } from '@app/retention';

export function buildCommand(o: ObligationRecord, commandId: string, issuedAt: string): DeletionCommand {
  const d = o.detail;
  return {
    commandId,
    obligationId: o.obligationId,
    tenantId: o.tenantId,
    region: o.region,
    store: o.store,
    target: d.target,
    reason: d.reason,
    dueAt: o.dueAt,
    deadline: o.deadline,
    issuedAt,
    policyVersion: d.policyVersion,
  };
}

/** Commands issued so far for an obligation, from the fold's detail. */
export function issuedCommands(o: ObligationRecord): readonly ObligationCommand[] {
  return o.detail.commands ?? [];
}
