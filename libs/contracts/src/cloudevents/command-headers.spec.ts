import type { DeletionCommand } from '../deletion-command';
import { deletionCommandHeaders } from './command-headers';

describe('deletionCommandHeaders', () => {
  it('maps a command onto the CloudEvents binary-mode attributes', () => {
    const c = {
      commandId: 'cmd-1',
      obligationId: 'ob-1',
      issuedAt: '2026-01-01T00:00:00.000Z',
    } as DeletionCommand;
    expect(deletionCommandHeaders(c)).toEqual({
      ce_specversion: '1.0',
      ce_id: 'cmd-1',
      ce_type: 'io.retention-ledger.deletion-command.v1',
      ce_source: '/retention-ledger/dispatcher',
      ce_time: '2026-01-01T00:00:00.000Z',
      ce_subject: 'ob-1',
      'content-type': 'application/json',
    });
  });
});
