import type { NewEntry, OperatorPart, Resolution } from '@app/contracts/entry-types';
import { formatInstant, parseInstant } from '@app/contracts/validation/rfc3339';
import type { Obligation } from './obligation';
import { isOwed } from './status/overdue';

/**
 * Operator decisions (the decider half of emmett's pattern): given the obligations
 * as the ledger stands and what an operator asks for, the facts to append, or a
 * refusal in words. Pure: the clock (`now`) and the id source (`newId`) are passed in.
 *
 * The facts are system entries: their eventIds carry the `op:` prefix, which ingest
 * refuses from producers, so nobody can forge or pre-empt an operator's record.
 */
export const OPERATOR_EVENT_ID_PREFIX = 'op:';

export type OperatorRequest =
  /** One obligation, or every failed one of the tenant (optionally of one region/store). */
  | { kind: 'retry'; obligationId?: string; region?: string; store?: string }
  | { kind: 'resolve'; obligationId: string; resolution: Resolution }
  | { kind: 'extend'; obligationId: string; until: string };

export interface OperatorContext extends OperatorPart {
  readonly tenantId: string;
  readonly now: Date;
  readonly newId: () => string;
}

export type OperatorDecision =
  { ok: true; entries: NewEntry[]; obligationIds: string[] } | { ok: false; problem: string };

export function decideOperation(
  obligations: readonly Obligation[],
  request: OperatorRequest,
  ctx: OperatorContext,
): OperatorDecision {
  if (ctx.actor.trim() === '') return refuse('an actor is required (who does this)');
  if (ctx.reason.trim() === '') return refuse('a reason is required (why)');
  switch (request.kind) {
    case 'retry':
      return decideRetry(obligations, request, ctx);
    case 'resolve': {
      const found = find(obligations, request.obligationId, ctx.tenantId);
      if (!found.ok) return found;
      const o = found.obligation;
      // Settled (the system or a reactivation closed it, or an operator did): nothing to change.
      if (!isOwed(o)) return refuse(`obligation ${o.obligationId} is ${o.status}: nothing to resolve`);
      // Holds win: resolving by hand under a hold would be the purge the hold forbids.
      if (o.status === 'held')
        return refuse(`obligation ${o.obligationId} is held by ${holds(o)}: release the hold first`);
      return accept([o], ctx, 'ObligationResolved', { resolution: request.resolution });
    }
    case 'extend': {
      const found = find(obligations, request.obligationId, ctx.tenantId);
      if (!found.ok) return found;
      const o = found.obligation;
      if (!isOwed(o))
        return refuse(`obligation ${o.obligationId} is ${o.status}: its deadline no longer matters`);
      const until = parseInstant(request.until);
      if (Number.isNaN(until)) return refuse(`--until must be an RFC 3339 time, got "${request.until}"`);
      if (until <= Date.parse(o.deadline))
        return refuse(
          `--until ${formatInstant(until)} is not after the current deadline ${o.deadline}: an extension never shortens`,
        );
      return accept([o], ctx, 'ObligationExtended', { until: formatInstant(until) });
    }
    default: {
      const _exhaustive: never = request;
      return _exhaustive;
    }
  }
}

function decideRetry(
  obligations: readonly Obligation[],
  request: Extract<OperatorRequest, { kind: 'retry' }>,
  ctx: OperatorContext,
): OperatorDecision {
  if (request.obligationId !== undefined) {
    const found = find(obligations, request.obligationId, ctx.tenantId);
    if (!found.ok) return found;
    if (found.obligation.status !== 'failed')
      return refuse(
        `obligation ${request.obligationId} is ${found.obligation.status}, not failed: nothing to retry`,
      );
    return accept([found.obligation], ctx, 'ObligationRetried', {});
  }
  const failed = obligations.filter(
    (o) =>
      o.status === 'failed' &&
      (request.region === undefined || o.region === request.region) &&
      (request.store === undefined || o.store === request.store),
  );
  return accept(failed, ctx, 'ObligationRetried', {});
}

function find(
  obligations: readonly Obligation[],
  obligationId: string,
  tenantId: string,
): { ok: true; obligation: Obligation } | { ok: false; problem: string } {
  const obligation = obligations.find((o) => o.obligationId === obligationId);
  return obligation
    ? { ok: true, obligation }
    : refuse(`tenant ${tenantId} has no obligation ${obligationId}`);
}

function holds(o: Obligation): string {
  return (o.holdIds ?? []).join(', ') || 'a legal hold';
}

function refuse(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}

type OperatorType = 'ObligationRetried' | 'ObligationResolved' | 'ObligationExtended';

function accept(
  targets: readonly Obligation[],
  ctx: OperatorContext,
  type: OperatorType,
  extra: { resolution?: Resolution; until?: string },
): OperatorDecision {
  const occurredAt = ctx.now.toISOString();
  const entries = targets.map(
    (o) =>
      ({
        eventId: OPERATOR_EVENT_ID_PREFIX + ctx.newId(),
        tenantId: ctx.tenantId,
        type,
        occurredAt,
        data: { obligationId: o.obligationId, ...extra, actor: ctx.actor, reason: ctx.reason },
        subject: null,
        source: null,
      }) as NewEntry,
  );
  return { ok: true, entries, obligationIds: targets.map((o) => o.obligationId) };
}
