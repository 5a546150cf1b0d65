import {
  acceptedDto,
  expectAccepted,
  expectRejected,
  printableIdCases,
  problemsOf,
  without,
} from '../testing/dto-expectations';
import { DeletionReceiptDto } from './deletion-receipt.dto';

const valid = {
  commandId: 'cmd-1',
  tenantId: 'acme',
  region: 'eu',
  store: 'files',
  status: 'completed',
  completedAt: '2024-05-01T12:00:00Z',
};
const COUNT = 'must be an integer >= 0';

describe('DeletionReceiptDto', () => {
  it('accepts a completed receipt without optional fields', () => expectAccepted(DeletionReceiptDto, valid));
  it('accepts a completed receipt with deletedCount', () => {
    expect(acceptedDto(DeletionReceiptDto, { ...valid, deletedCount: 12 }).deletedCount).toBe(12);
  });
  it('accepts a failed receipt with an error text (newlines allowed)', () => {
    const dto = acceptedDto(DeletionReceiptDto, {
      ...valid,
      status: 'failed',
      error: 'disk full\nretry later',
    });
    expect(dto.error).toBe('disk full\nretry later');
  });
  it('tolerates unknown extra fields', () =>
    expectAccepted(DeletionReceiptDto, { ...valid, storeVersion: '2.1' }));
  it('does not require eventId or occurredAt (they are derived)', () =>
    expectAccepted(DeletionReceiptDto, valid));

  describe.each(['commandId', 'store'])('%s is 1-256 printable characters', (field) => {
    it('rejects it missing', () =>
      expectRejected(DeletionReceiptDto, without(valid, field), field, 'is required'));
    it.each(printableIdCases(256))('rejects %s', (_case, value, problem) =>
      expectRejected(DeletionReceiptDto, { ...valid, [field]: value }, field, problem),
    );
  });

  describe.each(['tenantId', 'region'])('%s matches [A-Za-z0-9._-]{1,64}', (field) => {
    it('rejects it missing', () =>
      expectRejected(DeletionReceiptDto, without(valid, field), field, 'is required'));
    it.each([
      ['empty', ''],
      ['a space', 'a b'],
      ['65 characters', 'x'.repeat(65)],
    ])('rejects %s', (_case, value) =>
      expectRejected(
        DeletionReceiptDto,
        { ...valid, [field]: value },
        field,
        'must match [A-Za-z0-9._-]{1,64}',
      ),
    );
  });

  describe('status is completed or failed', () => {
    it('rejects it missing', () =>
      expectRejected(DeletionReceiptDto, without(valid, 'status'), 'status', 'is required'));
    it('rejects another status', () =>
      expectRejected(
        DeletionReceiptDto,
        { ...valid, status: 'partial' },
        'status',
        'must be one of: completed, failed',
      ));
  });

  describe('completedAt is RFC 3339 with an offset', () => {
    it('rejects it missing', () =>
      expectRejected(DeletionReceiptDto, without(valid, 'completedAt'), 'completedAt', 'is required'));
    it('rejects a time without offset', () =>
      expectRejected(
        DeletionReceiptDto,
        { ...valid, completedAt: '2024-05-01T12:00:00' },
        'completedAt',
        'must be an RFC 3339 timestamp with an explicit offset or Z (e.g. 2024-05-01T12:00:00Z)',
      ));
    it('rejects an impossible date', () =>
      expectRejected(
        DeletionReceiptDto,
        { ...valid, completedAt: '2024-06-31T12:00:00Z' },
        'completedAt',
        'is not a real date and time',
      ));
  });

  describe('deletedCount is optional, an integer >= 0', () => {
    it.each([
      ['negative', -1],
      ['fractional', 1.5],
      ['a numeric string', '3'],
      ['beyond safe integers', 2 ** 53],
      ['a boolean', true],
    ])('rejects %s', (_case, value) =>
      expectRejected(DeletionReceiptDto, { ...valid, deletedCount: value }, 'deletedCount', COUNT),
    );
    it.each([0, 1, Number.MAX_SAFE_INTEGER])('accepts %p', (deletedCount) =>
      expectAccepted(DeletionReceiptDto, { ...valid, deletedCount }),
    );
    it('treats null as absent', () => expectAccepted(DeletionReceiptDto, { ...valid, deletedCount: null }));
  });

  describe('error is optional text of at most 4096 characters', () => {
    it('rejects a number', () =>
      expectRejected(
        DeletionReceiptDto,
        { ...valid, status: 'failed', error: 500 },
        'error',
        'must be a string',
      ));
    it('rejects 4097 characters', () =>
      expectRejected(
        DeletionReceiptDto,
        { ...valid, status: 'failed', error: 'e'.repeat(4097) },
        'error',
        'must be at most 4096 characters',
      ));
    it('accepts 4096 characters', () =>
      expectAccepted(DeletionReceiptDto, { ...valid, status: 'failed', error: 'e'.repeat(4096) }));
  });

  it('lists every failing field, in declaration order', () => {
    expect(problemsOf(DeletionReceiptDto, { deletedCount: -1 }).map((p) => p.field)).toEqual([
      'commandId',
      'tenantId',
      'region',
      'store',
      'status',
      'completedAt',
      'deletedCount',
    ]);
  });
});
