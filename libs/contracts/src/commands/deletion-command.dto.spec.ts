import {
  acceptedDto,
  expectAccepted,
  expectRejected,
  printableIdCases,
  without,
} from '../testing/dto-expectations';
import { DeletionCommandDto } from './deletion-command.dto';

const valid = {
  commandId: 'cmd-1',
  obligationId: 'obl-1',
  tenantId: 'acme',
  region: 'eu',
  store: 'files',
  target: { kind: 'subject', subjectId: 'u-1', categories: ['personal'] },
  reason: 'user-deleted',
  dueAt: '2024-05-01T12:00:00Z',
  deadline: '2024-05-31T12:00:00Z',
  issuedAt: '2024-05-01T12:00:05.123Z',
  policyVersion: 'v1',
};
const CATEGORIES =
  'categories must be a non-empty array of at most 64 category names (1-128 printable characters)';
const KIND = 'kind must be one of: data, subject, tenant';

describe('DeletionCommandDto', () => {
  it.each([
    ['a data target', { kind: 'data', dataId: 'doc-9' }],
    ['a subject target', { kind: 'subject', subjectId: 'u-1', categories: ['personal'] }],
    ['a tenant target', { kind: 'tenant', categories: ['personal', 'audit-log'] }],
  ])('accepts %s', (_case, target) => {
    expect(acceptedDto(DeletionCommandDto, { ...valid, target }).target).toEqual(target);
  });
  it.each(['data-deleted', 'user-deleted', 'subscription-ended', 'max-age'])('accepts reason %s', (reason) =>
    expectAccepted(DeletionCommandDto, { ...valid, reason }),
  );
  it('tolerates unknown extra fields (the dispatcher may evolve first)', () =>
    expectAccepted(DeletionCommandDto, { ...valid, attempt: 2 }));

  describe.each(['commandId', 'obligationId', 'store'])('%s is 1-256 printable characters', (field) => {
    it('rejects it missing', () =>
      expectRejected(DeletionCommandDto, without(valid, field), field, 'is required'));
    it.each(printableIdCases(256))('rejects %s', (_case, value, problem) =>
      expectRejected(DeletionCommandDto, { ...valid, [field]: value }, field, problem),
    );
  });

  describe.each(['tenantId', 'region'])('%s matches [A-Za-z0-9._-]{1,64}', (field) => {
    it('rejects it missing', () =>
      expectRejected(DeletionCommandDto, without(valid, field), field, 'is required'));
    it('rejects a space', () =>
      expectRejected(
        DeletionCommandDto,
        { ...valid, [field]: 'a b' },
        field,
        'must match [A-Za-z0-9._-]{1,64}',
      ));
  });

  describe.each(['dueAt', 'deadline', 'issuedAt'])('%s is RFC 3339 with an offset', (field) => {
    it('rejects it missing', () =>
      expectRejected(DeletionCommandDto, without(valid, field), field, 'is required'));
    it('rejects a time without offset', () =>
      expectRejected(
        DeletionCommandDto,
        { ...valid, [field]: '2024-05-01T12:00:00' },
        field,
        'must be an RFC 3339 timestamp with an explicit offset or Z (e.g. 2024-05-01T12:00:00Z)',
      ));
    it('rejects an impossible date', () =>
      expectRejected(
        DeletionCommandDto,
        { ...valid, [field]: '2024-02-30T12:00:00Z' },
        field,
        'is not a real date and time',
      ));
  });

  describe('reason is one of the four deletion reasons', () => {
    it('rejects it missing', () =>
      expectRejected(DeletionCommandDto, without(valid, 'reason'), 'reason', 'is required'));
    it('rejects another reason', () =>
      expectRejected(
        DeletionCommandDto,
        { ...valid, reason: 'because' },
        'reason',
        'must be one of: data-deleted, user-deleted, subscription-ended, max-age',
      ));
  });

  describe('policyVersion is 1-128 printable characters', () => {
    it('rejects it missing', () =>
      expectRejected(DeletionCommandDto, without(valid, 'policyVersion'), 'policyVersion', 'is required'));
    it.each(printableIdCases(128))('rejects %s', (_case, value, problem) =>
      expectRejected(DeletionCommandDto, { ...valid, policyVersion: value }, 'policyVersion', problem),
    );
  });

  describe('target is a data, subject or tenant target', () => {
    it('rejects it missing', () =>
      expectRejected(DeletionCommandDto, without(valid, 'target'), 'target', 'is required'));
    it.each([
      ['a string', 'tenant', 'must be an object with kind data, subject, tenant'],
      ['an array', [], 'must be an object with kind data, subject, tenant'],
      ['no kind', { categories: ['personal'] }, KIND],
      ['an unknown kind', { kind: 'everything' }, KIND],
      ['a data target without dataId', { kind: 'data' }, 'dataId is required'],
      [
        'a data target with an empty dataId',
        { kind: 'data', dataId: '' },
        'dataId must be 1-256 printable characters (no control characters)',
      ],
      [
        'a subject target without subjectId',
        { kind: 'subject', categories: ['personal'] },
        'subjectId is required',
      ],
      ['a subject target without categories', { kind: 'subject', subjectId: 'u-1' }, CATEGORIES],
      [
        'a subject target with no categories',
        { kind: 'subject', subjectId: 'u-1', categories: [] },
        CATEGORIES,
      ],
      ['a tenant target without categories', { kind: 'tenant' }, CATEGORIES],
      [
        'a tenant target with a non-string category',
        { kind: 'tenant', categories: ['personal', 3] },
        CATEGORIES,
      ],
      ['a tenant target with an empty category', { kind: 'tenant', categories: [''] }, CATEGORIES],
      ['a tenant target with 65 categories', { kind: 'tenant', categories: Array(65).fill('c') }, CATEGORIES],
      ['categories as a string', { kind: 'tenant', categories: 'personal' }, CATEGORIES],
    ])('rejects %s', (_case, target, problem) =>
      expectRejected(DeletionCommandDto, { ...valid, target }, 'target', problem),
    );
  });
});
