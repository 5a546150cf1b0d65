import {
  malformedJsonTexts,
  MARKER,
  MARKER_ID,
  markerFragments,
} from '@app/contracts/testing/marker-records';
import type { RawRecord } from '@app/contracts';
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
    expect(decoded).toEqual({
      ok: false,
      reason: "residency: the command's region is not this store's region eu; not executed",
    });
  });

  it('refuses a record whose key is not the tenantId, but tolerates no key', () => {
    const cmd = deletionCommand();
    expect(decodeCommand(commandRecord(cmd, { key: 'tenant-b' }), 'eu').ok).toBe(false);
    expect(decodeCommand(commandRecord(cmd, { key: null }), 'eu').ok).toBe(true);
  });

  // A refusal is logged ('deletion command refused'); a command may name a subject.
  const subject = (subjectId: unknown, more: object = {}) =>
    commandRecord({
      ...deletionCommand(),
      target: { kind: 'subject', subjectId, categories: ['personal'] },
      ...more,
    });
  it.each([
    ...malformedJsonTexts().map(([name, text]): [string, RawRecord] => [
      `malformed JSON: ${name}`,
      commandRecord(text, { raw: true }),
    ]),
    ['subjectId too long', subject(MARKER.repeat(40))],
    ['subjectId not a string', subject(7, { store: MARKER.repeat(40) })],
    [
      'categories empty',
      commandRecord({ ...deletionCommand(), target: { kind: 'subject', subjectId: MARKER, categories: [] } }),
    ],
    ['another region', subject(MARKER, { region: MARKER_ID })],
    ['a key that is not the tenantId', commandRecord(deletionCommand(), { key: MARKER })],
    ['a bad dueAt', subject(MARKER, { dueAt: MARKER })],
    ['a bad reason', subject(MARKER, { reason: MARKER })],
  ] satisfies Array<[string, RawRecord]>)(
    'quotes no value of the command in its reason: %s',
    (_name, record) => {
      const decoded = decodeCommand(record, 'eu');
      expect(decoded.ok).toBe(false);
      const reason = decoded.ok ? '' : decoded.reason;
      expect({ reason, fragments: markerFragments(reason) }).toEqual({ reason, fragments: [] });
    },
  );
});
