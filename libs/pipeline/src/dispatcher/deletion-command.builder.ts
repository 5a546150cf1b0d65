import type { DeletionCommand, DeletionReason, DeletionTarget } from '@app/contracts';
import type { ObligationRecord } from '@app/read-model';

/** The fields of an obligation's `detail` a command needs (the fold's Obligation). */
interface CommandSource {
  target: DeletionTarget;
  reason: DeletionReason;
  policyVersion: string;
}

export function buildCommand(o: ObligationRecord, commandId: string, issuedAt: string): DeletionCommand {
  const d = o.detail as unknown as CommandSource;
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
export function issuedCommands(
  o: ObligationRecord,
): Array<{ commandId: string; issuedAt: string; attempt: number }> {
  const cmds = (o.detail as { commands?: Array<{ commandId: string; issuedAt: string; attempt: number }> })
    .commands;
  return Array.isArray(cmds) ? cmds : [];
}
