import type { DeletionCommand, RawRecord } from '@app/contracts';

/** A valid contract-v1 deletion command for tests; override what the test is about. */
export function deletionCommand(overrides: Partial<DeletionCommand> = {}): DeletionCommand {
  return {
    commandId: 'cmd-1',
    obligationId: 'obl-1',
    tenantId: 'tenant-a',
    region: 'eu',
    store: 'main',
    target: { kind: 'subject', subjectId: 'user-7', categories: ['personal'] },
    reason: 'user-deleted',
    dueAt: '2026-01-01T00:00:00Z',
    deadline: '2026-01-31T00:00:00Z',
    issuedAt: '2026-01-01T00:00:01Z',
    policyVersion: 'v1',
    ...overrides,
  };
}

let offset = 0;

/** A command as the consumer would hand it over; `value` may be any JSON or raw text. */
export function commandRecord(
  value: unknown,
  opts: { topic?: string; key?: string | null; raw?: boolean } = {},
): RawRecord {
  const text = opts.raw ? String(value) : JSON.stringify(value);
  const tenantId =
    typeof value === 'object' && value !== null && 'tenantId' in value ? String(value.tenantId) : null;
  const key = opts.key === undefined ? tenantId : opts.key;
  return {
    topic: opts.topic ?? 'deletion-commands.eu',
    partition: 0,
    offset: String(offset++),
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from(text),
    headers: {},
  };
}
