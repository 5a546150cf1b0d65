import { expectAccepted, expectRejected, printableIdCases, without } from '../testing/dto-expectations';
import { DataDeletedDto } from './data-deleted.dto';

const valid = {
  eventId: 'ev-1',
  tenantId: 'acme',
  occurredAt: '2024-05-01T12:00:00Z',
  dataId: 'doc-9',
  deletedBy: 'user',
};

describe('DataDeletedDto', () => {
  it.each(['user', 'admin'])('accepts deletedBy %s', (deletedBy) =>
    expectAccepted(DataDeletedDto, { ...valid, deletedBy }),
  );

  describe('dataId is 1-256 printable characters', () => {
    it('rejects it missing', () =>
      expectRejected(DataDeletedDto, without(valid, 'dataId'), 'dataId', 'is required'));
    it.each(printableIdCases(256))('rejects %s', (_case, value, problem) =>
      expectRejected(DataDeletedDto, { ...valid, dataId: value }, 'dataId', problem),
    );
  });

  describe('deletedBy is user or admin', () => {
    it('rejects it missing', () =>
      expectRejected(DataDeletedDto, without(valid, 'deletedBy'), 'deletedBy', 'is required'));
    it.each([
      ['another actor', 'system', 'must be one of: user, admin'],
      ['another case', 'User', 'must be one of: user, admin'],
      ['a boolean', true, 'must be a string'],
    ])('rejects %s', (_case, value, problem) =>
      expectRejected(DataDeletedDto, { ...valid, deletedBy: value }, 'deletedBy', problem),
    );
  });
});
