import {
  acceptedDto,
  expectAccepted,
  expectRejected,
  printableIdCases,
  without,
} from '../testing/dto-expectations';
import { LegalHoldDto } from './legal-hold.dto';

const valid = {
  eventId: 'ev-1',
  tenantId: 'acme',
  occurredAt: '2024-05-01T12:00:00Z',
  holdId: 'case-7',
  action: 'placed',
};

describe('LegalHoldDto', () => {
  it.each(['placed', 'released'])('accepts action %s', (action) =>
    expectAccepted(LegalHoldDto, { ...valid, action }),
  );
  it('accepts a hold without subjectId (whole tenant)', () => {
    expect(acceptedDto(LegalHoldDto, valid).subjectId).toBeUndefined();
  });
  it('accepts a hold on one subject', () => {
    expect(acceptedDto(LegalHoldDto, { ...valid, subjectId: 'u-1' }).subjectId).toBe('u-1');
  });

  describe('holdId is 1-256 printable characters', () => {
    it('rejects it missing', () =>
      expectRejected(LegalHoldDto, without(valid, 'holdId'), 'holdId', 'is required'));
    it.each(printableIdCases(256))('rejects %s', (_case, value, problem) =>
      expectRejected(LegalHoldDto, { ...valid, holdId: value }, 'holdId', problem),
    );
  });

  describe('action is placed or released', () => {
    it('rejects it missing', () =>
      expectRejected(LegalHoldDto, without(valid, 'action'), 'action', 'is required'));
    it.each([
      ['lifted', 'must be one of: placed, released'],
      ['PLACED', 'must be one of: placed, released'],
      [1, 'must be a string'],
    ])('rejects %p', (value, problem) =>
      expectRejected(LegalHoldDto, { ...valid, action: value }, 'action', problem),
    );
  });

  describe('subjectId is optional, 1-256 printable characters when given', () => {
    it.each(printableIdCases(256).filter(([c]) => c !== 'null'))('rejects %s', (_case, value, problem) =>
      expectRejected(LegalHoldDto, { ...valid, subjectId: value }, 'subjectId', problem),
    );
  });
});
