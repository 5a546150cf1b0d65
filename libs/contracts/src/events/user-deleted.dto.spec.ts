import { expectAccepted, expectRejected, printableIdCases, without } from '../testing/dto-expectations';
import { UserDeletedDto } from './user-deleted.dto';

const valid = {
  eventId: 'ev-1',
  tenantId: 'acme',
  occurredAt: '2024-05-01T12:00:00Z',
  subjectId: 'u-1',
  deletedBy: 'admin',
};

describe('UserDeletedDto', () => {
  it.each(['user', 'admin'])('accepts deletedBy %s', (deletedBy) =>
    expectAccepted(UserDeletedDto, { ...valid, deletedBy }),
  );

  describe('subjectId is required, 1-256 printable characters', () => {
    it('rejects it missing', () =>
      expectRejected(UserDeletedDto, without(valid, 'subjectId'), 'subjectId', 'is required'));
    it.each(printableIdCases(256))('rejects %s', (_case, value, problem) =>
      expectRejected(UserDeletedDto, { ...valid, subjectId: value }, 'subjectId', problem),
    );
  });

  describe('deletedBy is user or admin', () => {
    it('rejects it missing', () =>
      expectRejected(UserDeletedDto, without(valid, 'deletedBy'), 'deletedBy', 'is required'));
    it('rejects another actor', () =>
      expectRejected(
        UserDeletedDto,
        { ...valid, deletedBy: 'gdpr-bot' },
        'deletedBy',
        'must be one of: user, admin',
      ));
  });
});
