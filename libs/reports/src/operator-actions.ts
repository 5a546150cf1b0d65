import { randomUUID } from 'node:crypto';
import type { LedgerStore } from '@app/ledger';
import { decideOperation, type OperatorRequest } from '@app/retention';
import { requireKnownTenant, tenantObligations } from './tenant-view';

export interface OperatorOutcome {
  tenantId: string;
  action: OperatorRequest['kind'];
  actor: string;
  reason: string;
  /** The obligations the action was recorded for (empty: nothing matched, e.g. no failed obligation). */
  obligationIds: string[];
  /** The eventIds of the ledger facts appended (`op:` ids). */
  eventIds: string[];
}

/** An operator request the ledger's current state refuses (the message says why). */
export class OperatorRefusal extends Error {
  override readonly name = 'OperatorRefusal';
}

/**
 * Runs one operator action against the ledger: folds the tenant's stream (not the read
 * model, which may lag), decides, and appends the facts. The CLI and the operator API
 * both come here. Throws `UnknownTenantError` for a tenant the ledger has never seen and
 * `OperatorRefusal` when the decision refuses.
 */
export async function runOperatorAction(
  ledger: LedgerStore,
  tenantId: string,
  request: OperatorRequest,
  who: { actor: string; reason: string },
  now: Date,
  newId: () => string = randomUUID,
): Promise<OperatorOutcome> {
  await requireKnownTenant(ledger, tenantId);
  const obligations = await tenantObligations(ledger, tenantId);
  const decision = decideOperation(obligations, request, { tenantId, now, newId, ...who });
  if (!decision.ok) throw new OperatorRefusal(decision.problem);
  if (decision.entries.length > 0) await ledger.appendBatch(decision.entries, now);
  return {
    tenantId,
    action: request.kind,
    actor: who.actor,
    reason: who.reason,
    obligationIds: decision.obligationIds,
    eventIds: decision.entries.map((entry) => entry.eventId),
  };
}
