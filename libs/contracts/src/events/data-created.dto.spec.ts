import {
  acceptedDto,
  expectAccepted,
  expectRejected,
  printableIdCases,
  without,
} from '../testing/dto-expectations';
import { DataCreatedDto } from './data-created.dto';

const valid = {
  eventId: 'ev-1',
  tenantId: 'acme',
  occurredAt: '2024-05-01T12:00:00Z',
  dataId: 'doc-9',
  category: 'personal',
  region: 'eu',
  store: 'files',
};
const REGION = 'must match [A-Za-z0-9._-]{1,64}';

describe('DataCreatedDto', () => {
  it('accepts an event without subjectId', () => expectAccepted(DataCreatedDto, valid));
  it('accepts an event with subjectId', () => {
    expect(acceptedDto(DataCreatedDto, { ...valid, subjectId: 'user-1' }).subjectId).toBe('user-1');
  });
  it('treats subjectId null as absent', () => {
    expect(acceptedDto(DataCreatedDto, { ...valid, subjectId: null }).subjectId).toBeUndefined();
  });

  describe.each(['dataId', 'store'])('%s is 1-256 printable characters', (field) => {
    it('rejects it missing', () =>
      expectRejected(DataCreatedDto, without(valid, field), field, 'is required'));
    it.each(printableIdCases(256))('rejects %s', (_case, value, problem) =>
      expectRejected(DataCreatedDto, { ...valid, [field]: value }, field, problem),
    );
    it('accepts 256 characters', () =>
      expectAccepted(DataCreatedDto, { ...valid, [field]: 'x'.repeat(256) }));
  });

  describe('category is 1-128 printable characters (known categories are checked by parseRecord)', () => {
    it('rejects it missing', () =>
      expectRejected(DataCreatedDto, without(valid, 'category'), 'category', 'is required'));
    it.each(printableIdCases(128))('rejects %s', (_case, value, problem) =>
      expectRejected(DataCreatedDto, { ...valid, category: value }, 'category', problem),
    );
    it('accepts a category the policy may not know', () =>
      expectAccepted(DataCreatedDto, { ...valid, category: 'telemetry' }));
  });

  describe('region matches [A-Za-z0-9._-]{1,64} (configured regions are checked by parseRecord)', () => {
    it('rejects it missing', () =>
      expectRejected(DataCreatedDto, without(valid, 'region'), 'region', 'is required'));
    it.each([
      ['empty', '', REGION],
      ['a space', 'eu west', REGION],
      ['65 characters', 'r'.repeat(65), REGION],
      ['a number', 1, 'must be a string'],
    ])('rejects %s', (_case, value, problem) =>
      expectRejected(DataCreatedDto, { ...valid, region: value }, 'region', problem),
    );
    it('accepts eu-west.1', () => expectAccepted(DataCreatedDto, { ...valid, region: 'eu-west.1' }));
  });

  describe('subjectId is optional, 1-256 printable characters when given', () => {
    it.each(printableIdCases(256).filter(([c]) => c !== 'null'))('rejects %s', (_case, value, problem) =>
      expectRejected(DataCreatedDto, { ...valid, subjectId: value }, 'subjectId', problem),
    );
  });
});
