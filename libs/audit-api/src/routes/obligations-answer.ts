import type { StoredObligation } from '@app/read-model';
import { obligationFlags, type ObligationFlags } from '@app/reports';
import type { Obligation } from '@app/retention';

export interface ObligationsAnswer {
  tenantId: string;
  /** "Now" for the `overdue` flags. */
  at: string;
  count: number;
  obligations: Array<Obligation & ObligationFlags>;
}

/**
 * `GET …/obligations` as JSON text: each obligation's stored `detail` with its flags
 * appended (`overdue`, `retriesExhausted`, `timeToDeadlineMs` while owed), the JSON an
 * `ObligationsAnswer` serialises to. The details are spliced in as stored, not parsed and
 * serialised again (the route then answered 1.15–1.31 × the requests under load,
 * docs/scale-out.md); only a `failed` obligation's is parsed, for its commands. The flags
 * are not fields of `Obligation`, so appending them never repeats a key the detail has.
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
  // Only a failed obligation's flags read its commands.
  const detail = o.status === 'failed' ? (JSON.parse(o.detailJson) as Obligation) : o;
  // `{"overdue":…}` without its opening brace closes the detail's object.
  return openObject(o) + JSON.stringify(obligationFlags(detail, now, maxAttempts)).slice(1);
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
