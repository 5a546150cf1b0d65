import {
  acceptedDto,
  expectAccepted,
  expectRejected,
  printableIdCases,
  problemsOf,
  without,
} from '../testing/dto-expectations';
import { DtoClass } from '../validation/validate-dto';
import { DataCreatedDto } from './data-created.dto';
import { DataDeletedDto } from './data-deleted.dto';
import { LegalHoldDto } from './legal-hold.dto';
import { LifecycleEventDto } from './lifecycle-event.dto';
import { SubscriptionEndedDto } from './subscription-ended.dto';
import { SubscriptionReactivatedDto } from './subscription-reactivated.dto';
import { UserDeletedDto } from './user-deleted.dto';

const envelope = { eventId: 'ev-1', tenantId: 'acme', occurredAt: '2024-05-01T12:00:00Z' };

/** Every lifecycle DTO with a valid value, so the envelope rules are checked on each. */
const dtos: [string, DtoClass<LifecycleEventDto>, Record<string, unknown>][] = [
  [
    'DataCreatedDto',
    DataCreatedDto,
    { ...envelope, dataId: 'd1', category: 'personal', region: 'eu', store: 'main' },
  ],
  ['DataDeletedDto', DataDeletedDto, { ...envelope, dataId: 'd1', deletedBy: 'user' }],
  ['UserDeletedDto', UserDeletedDto, { ...envelope, subjectId: 'u1', deletedBy: 'admin' }],
  ['SubscriptionEndedDto', SubscriptionEndedDto, { ...envelope }],
  ['SubscriptionReactivatedDto', SubscriptionReactivatedDto, { ...envelope }],
  ['LegalHoldDto', LegalHoldDto, { ...envelope, holdId: 'h1', action: 'placed' }],
];

const TENANT = 'must match [A-Za-z0-9._-]{1,64}';
const RFC = 'must be an RFC 3339 timestamp with an explicit offset or Z (e.g. 2024-05-01T12:00:00Z)';
const UNREAL = 'is not a real date and time';

describe.each(dtos)('%s envelope', (_name, cls, valid) => {
  it('accepts a valid event', () => expectAccepted(cls, valid));

  it('tolerates unknown extra fields (producers evolve) and does not copy them', () => {
    const dto = acceptedDto(cls, { ...valid, addedInV2: 'x', nested: { a: 1 } });
    expect(dto).not.toHaveProperty('addedInV2');
    expect(dto).not.toHaveProperty('nested');
  });

  describe('eventId is 1-128 printable characters', () => {
    it('rejects a missing eventId', () =>
      expectRejected(cls, without(valid, 'eventId'), 'eventId', 'is required'));
    it.each(printableIdCases(128))('rejects %s', (_case, value, problem) =>
      expectRejected(cls, { ...valid, eventId: value }, 'eventId', problem),
    );
    it.each([
      ['128 characters', 'e'.repeat(128)],
      ['128 astral code points (256 UTF-16 units)', '😀'.repeat(128)],
      ['spaces and punctuation', 'order 42 / line #7'],
      ['non-ASCII letters', 'événement-✓'],
    ])('accepts %s', (_case, eventId) => expectAccepted(cls, { ...valid, eventId }));
  });

  describe('tenantId is 1-64 of [A-Za-z0-9._-]', () => {
    it('rejects a missing tenantId', () =>
      expectRejected(cls, without(valid, 'tenantId'), 'tenantId', 'is required'));
    it.each([
      ['empty', '', TENANT],
      ['65 characters', 't'.repeat(65), TENANT],
      ['a space', 'ac me', TENANT],
      ['a slash', 'ac/me', TENANT],
      ['a non-ASCII letter', 'acmé', TENANT],
      ['a trailing newline', 'acme\n', TENANT],
      ['a number', 7, 'must be a string'],
    ])('rejects %s', (_case, value, problem) =>
      expectRejected(cls, { ...valid, tenantId: value }, 'tenantId', problem),
    );
    it.each([['A-Za-z0-9._-'], ['t'.repeat(64)], ['x']])('accepts %p', (tenantId) =>
      expectAccepted(cls, { ...valid, tenantId }),
    );
  });

  describe('occurredAt is RFC 3339 with an explicit offset', () => {
    it('rejects a missing occurredAt', () =>
      expectRejected(cls, without(valid, 'occurredAt'), 'occurredAt', 'is required'));
    it.each([
      ['no offset', '2024-05-01T12:00:00', RFC],
      ['no offset, with fraction', '2024-05-01T12:00:00.123', RFC],
      ['a date only', '2024-05-01', RFC],
      ['a space separator', '2024-05-01 12:00:00Z', RFC],
      ['no seconds', '2024-05-01T12:00Z', RFC],
      ['a compact offset', '2024-05-01T12:00:00+0200', RFC],
      ['single-digit month', '2024-5-01T12:00:00Z', RFC],
      ['epoch milliseconds as text', '1714564800000', RFC],
      ['free text', 'yesterday', RFC],
      ['epoch milliseconds as a number', 1714564800000, 'must be a string'],
      ['30 February', '2024-02-30T00:00:00Z', UNREAL],
      ['29 February in a common year', '2023-02-29T00:00:00Z', UNREAL],
      ['29 February 1900', '1900-02-29T00:00:00Z', UNREAL],
      ['month 13', '2024-13-01T00:00:00Z', UNREAL],
      ['day 0', '2024-05-00T00:00:00Z', UNREAL],
      ['31 April', '2024-04-31T00:00:00Z', UNREAL],
      ['hour 24', '2024-05-01T24:00:00Z', UNREAL],
      ['minute 60', '2024-05-01T12:60:00Z', UNREAL],
      ['a leap second', '2016-12-31T23:59:60Z', UNREAL],
      ['offset hour 24', '2024-05-01T12:00:00+24:00', UNREAL],
      ['offset minute 60', '2024-05-01T12:00:00+05:60', UNREAL],
      ['a UTC instant past 9999', '9999-12-31T23:00:00-02:00', 'is outside the years 0000-9999 in UTC'],
      ['a UTC instant before 0000', '0000-01-01T00:30:00+01:00', 'is outside the years 0000-9999 in UTC'],
    ])('rejects %s', (_case, value, problem) =>
      expectRejected(cls, { ...valid, occurredAt: value }, 'occurredAt', problem),
    );
    it.each([
      ['Z', '2024-05-01T12:00:00Z'],
      ['lower-case t and z', '2024-05-01t12:00:00z'],
      ['a positive offset', '2024-05-01T12:00:00+05:30'],
      ['a negative offset', '2024-05-01T12:00:00-08:00'],
      ['-00:00 (unknown local offset)', '2024-05-01T12:00:00-00:00'],
      ['one fraction digit', '2024-05-01T12:00:00.1Z'],
      ['nanoseconds', '2024-05-01T12:00:00.123456789Z'],
      ['29 February in a leap year', '2024-02-29T00:00:00Z'],
      ['29 February 2000', '2000-02-29T00:00:00Z'],
    ])('accepts %s', (_case, occurredAt) => expectAccepted(cls, { ...valid, occurredAt }));
  });

  it('lists every failing envelope field, in contract order', () => {
    const problems = problemsOf(cls, { ...valid, eventId: '', tenantId: 'a b', occurredAt: 'now' });
    expect(problems.map((p) => p.field)).toEqual(['eventId', 'tenantId', 'occurredAt']);
  });
});
