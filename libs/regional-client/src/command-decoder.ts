import {
  DeletionCommand,
  DeletionCommandDto,
  DeletionTarget,
  describeProblems,
  parseJsonText,
  RawRecord,
  validateDto,
} from '@app/contracts';

export type DecodedCommand = { ok: true; command: DeletionCommand } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Only the fields of the target's kind reach the handler; extra keys are tolerated, never acted on. */
function ownTarget(target: DeletionTarget): DeletionTarget {
  switch (target.kind) {
    case 'data':
      return { kind: 'data', dataId: target.dataId };
    case 'subject':
      return { kind: 'subject', subjectId: target.subjectId, categories: [...target.categories] };
    case 'tenant':
      return { kind: 'tenant', categories: [...target.categories] };
  }
}

/**
 * One command record → a validated command, or the reason it is refused. A refused
 * command is never executed: a malformed command must not purge anything, and a
 * command naming another region must not run here whatever topic it came from
 * (residency, DESIGN.md semantics 7).
 */
export function decodeCommand(raw: RawRecord, region: string): DecodedCommand {
  if (raw.value === null || raw.value.length === 0) return refuse('empty value');
  // A refusal is logged: like ingest's dead-letter reasons it names the rule, never a value (a
  // command may name a subject).
  let text: string;
  try {
    text = utf8.decode(raw.value);
  } catch {
    return refuse('value is not valid UTF-8');
  }
  const json = parseJsonText(text);
  if (!json.ok) return refuse(json.reason);
  const parsed = json.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return refuse('value is not a JSON object');
  const v = validateDto(DeletionCommandDto, parsed as Record<string, unknown>);
  if (!v.ok) return refuse(describeProblems(v.problems));
  const c = v.value;
  if (c.region !== region) {
    return refuse(`residency: the command's region is not this store's region ${region}; not executed`);
  }
  // The contract keys records by tenantId; a different key means a misrouted or forged record.
  if (raw.key !== null && raw.key.length > 0 && raw.key.toString('utf8') !== c.tenantId) {
    return refuse('record key differs from tenantId');
  }
  const command: DeletionCommand = {
    commandId: c.commandId,
    obligationId: c.obligationId,
    tenantId: c.tenantId,
    region: c.region,
    store: c.store,
    target: ownTarget(c.target),
    reason: c.reason,
    dueAt: c.dueAt,
    deadline: c.deadline,
    issuedAt: c.issuedAt,
    policyVersion: c.policyVersion,
  };
  return { ok: true, command };
}
