import type { StoredObligation } from '@app/read-model';
import { isOverdue, retriesExhausted, timeToDeadlineMs, type Obligation } from '@app/retention';

export interface ObligationsAnswer {
  tenantId: string;
  /** "Now" for the `overdue` flags. */
  at: string;
  count: number;
  /** `timeToDeadlineMs`: milliseconds to the deadline (negative: overdue), while still owed. */
  obligations: Array<Obligation & { overdue: boolean; retriesExhausted: boolean; timeToDeadlineMs?: number }>;
}

/**
 * `GET …/obligations` as JSON text: each obligation's stored `detail` with its flags
 * appended (`overdue`, `retriesExhausted`, `timeToDeadlineMs` while owed), the JSON an
 * `ObligationsAnswer` serialises to. The details are spliced in as stored, not parsed and
 * serialised again (that was a sixth of the request under load); only a `failed`
 * obligation's is parsed, for its commands. The flags are not fields of `Obligation`, so
 * appending them never repeats a key the detail has.
 */
export function obligationsAnswerJson(
  tenantId: string,
  now: Date,
  stored: readonly StoredObligation[],
  maxAttempts: number,
): string {
  const items = stored.map((o) => withFlags(o, now, maxAttempts));
  const head = `{"tenantId":${JSON.stringify(tenantId)},"at":${JSON.stringify(now.toISOString())}`;
  return `${head},"count":${items.length},"obligations":[${items.join(',')}]}`;
}

function withFlags(o: StoredObligation, now: Date, maxAttempts: number): string {
  const exhausted =
    o.status === 'failed' && retriesExhausted(JSON.parse(o.detailJson) as Obligation, maxAttempts);
  const left = timeToDeadlineMs(o, now);
  const flags =
    `"overdue":${isOverdue(o, now)},"retriesExhausted":${exhausted}` +
    (left === undefined ? '' : `,"timeToDeadlineMs":${left}`);
  return `${openObject(o)}${flags}}`;
}

/** The detail's text without its closing brace, with a comma if it has members. */
function openObject(o: StoredObligation): string {
  const text = o.detailJson.trimEnd();
  if (!text.endsWith('}')) {
    throw new Error(
      `the read model holds obligation ${o.obligationId} with a detail that is not a JSON object`,
    );
  }
  const open = text.slice(0, -1).trimEnd();
  return open.endsWith('{') ? open : `${open},`;
}
