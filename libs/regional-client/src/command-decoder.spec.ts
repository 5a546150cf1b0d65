import { decodeCommand } from './command-decoder';
import { commandRecord, deletionCommand } from './testing/deletion-command.fixture';

describe('decodeCommand', () => {
  it('accepts a valid command of its region, keeping only the fields of the target kind', () => {
    const cmd = deletionCommand({ target: { kind: 'data', dataId: 'd-1' } });
    const decoded = decodeCommand(
      commandRecord({ ...cmd, target: { ...cmd.target, subjectId: 'x' }, extra: 1 }),
      'eu',
    );
    expect(decoded).toEqual({ ok: true, command: cmd });
  });

  it.each([
    ['empty value', commandRecord('', { raw: true }), /empty value/],
    ['malformed JSON', commandRecord('{"commandId":', { raw: true }), /malformed JSON/],
    ['not an object', commandRecord([1, 2]), /not a JSON object/],
    ['missing commandId', commandRecord({ ...deletionCommand(), commandId: undefined }), /commandId/],
    [
      'subject target without categories',
      commandRecord(deletionCommand({ target: { kind: 'subject', subjectId: 'u', categories: [] } })),
      /target/,
    ],
    ['unknown reason', commandRecord({ ...deletionCommand(), reason: 'because' }), /reason/],
  ])('refuses %s', (_name, record, reason) => {
    const decoded = decodeCommand(record, 'eu');
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });

  it('refuses a command naming another region, whatever topic it came on (residency)', () => {
    const decoded = decodeCommand(
      commandRecord(deletionCommand({ region: 'us' }), { topic: 'deletion-commands.eu' }),
      'eu',
    );
    expect(decoded).toEqual({ ok: false, reason: expect.stringMatching(/residency.*"us".*"eu"/) });
  });

  it('refuses a record whose key is not the tenantId, but tolerates no key', () => {
    const cmd = deletionCommand();
    expect(decodeCommand(commandRecord(cmd, { key: 'tenant-b' }), 'eu').ok).toBe(false);
    expect(decodeCommand(commandRecord(cmd, { key: null }), 'eu').ok).toBe(true);
  });
});
