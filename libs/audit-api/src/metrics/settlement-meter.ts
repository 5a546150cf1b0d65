import type { ObligationRecord, ProjectionWrite, ReadModel } from '@app/read-model';
import type { Obligation } from '@app/retention';

export type SettlementObserver = (outcome: 'confirmed' | 'failed', seconds: number) => void;

type Settled = { outcome: 'confirmed' | 'failed'; at: string };

function settlement(detail: Partial<Obligation> | undefined): Settled | undefined {
  if (detail?.confirmedAt) return { outcome: 'confirmed', at: detail.confirmedAt };
  if (detail?.failedAt) return { outcome: 'failed', at: detail.failedAt };
  return undefined;
}

/** The command a receipt answered: the last one issued no later than the receipt. */
function issuedBefore(detail: Partial<Obligation>, at: number): number | undefined {
  const issued = (detail.commands ?? []).map((c) => Date.parse(c.issuedAt)).filter((t) => t <= at);
  return issued.length > 0 ? Math.max(...issued) : undefined;
}

/**
 * The read model as the projector sees it, reporting each obligation whose receipt it
 * records for the first time, with the time from the command's issue to the receipt.
 * This is where the latency is known whichever processes issued the command and ingested
 * the receipt. A Proxy, so methods added to ReadModel later pass through untouched.
 */
export function meterSettlements(readModel: ReadModel, observe: SettlementObserver): ReadModel {
  const write = async (change: ProjectionWrite): Promise<void> => {
    const candidates = change.upserts.filter((u) => u.status === 'confirmed' || u.status === 'failed');
    const before = new Map<string, ObligationRecord | undefined>();
    for (const c of candidates) before.set(c.obligationId, await readModel.obligation(c.obligationId));
    await readModel.write(change);
    for (const c of candidates) {
      const detail = c.detail;
      const now = settlement(detail);
      const then = settlement(before.get(c.obligationId)?.detail);
      if (!now || (then && then.outcome === now.outcome && then.at === now.at)) continue;
      const at = Date.parse(now.at);
      const issued = issuedBefore(detail, at);
      if (issued !== undefined) observe(now.outcome, (at - issued) / 1000);
    }
  };
  return new Proxy(readModel, {
    get(target, property, receiver) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
