import type { DeletionCommand } from '../deletion-command';

/** `ce_type` of a deletion command (CloudEvents binary mode). */
export const DELETION_COMMAND_CE_TYPE = 'io.retention-ledger.deletion-command.v1';
/** `ce_source`: the ledger's dispatcher, as a URI reference. */
export const DELETION_COMMAND_CE_SOURCE = '/retention-ledger/dispatcher';

/**
 * CloudEvents Kafka binding, binary mode, for an outgoing deletion command: the value stays
 * the contract's JSON, the headers carry the event attributes, so CloudEvents SDKs and
 * routers read a command without knowing our payload.
 */
export function deletionCommandHeaders(c: DeletionCommand): Record<string, string> {
  return {
    ce_specversion: '1.0',
    ce_id: c.commandId,
    ce_type: DELETION_COMMAND_CE_TYPE,
    ce_source: DELETION_COMMAND_CE_SOURCE,
    ce_time: c.issuedAt,
    ce_subject: c.obligationId,
    'content-type': 'application/json',
  };
}
