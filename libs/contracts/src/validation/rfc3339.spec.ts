import { checkRfc3339, normaliseRfc3339 } from './rfc3339';

describe('normaliseRfc3339 gives the ledger form (UTC, milliseconds)', () => {
  it.each([
    ['canonical input unchanged', '2024-05-01T12:00:00.000Z', '2024-05-01T12:00:00.000Z'],
    ['milliseconds added', '2024-05-01T12:00:00Z', '2024-05-01T12:00:00.000Z'],
    ['one fraction digit padded', '2024-05-01T12:00:00.5Z', '2024-05-01T12:00:00.500Z'],
    ['nanoseconds truncated', '2024-05-01T12:00:00.123999999Z', '2024-05-01T12:00:00.123Z'],
    ['lower case upper-cased', '2024-05-01t12:00:00z', '2024-05-01T12:00:00.000Z'],
    ['+00:00 as Z', '2024-05-01T12:00:00+00:00', '2024-05-01T12:00:00.000Z'],
    ['-00:00 as Z', '2024-05-01T12:00:00.7-00:00', '2024-05-01T12:00:00.700Z'],
    ['a positive offset converted', '2024-05-01T12:00:00+05:30', '2024-05-01T06:30:00.000Z'],
    ['a negative offset across midnight', '2024-12-31T23:30:00.25-01:00', '2025-01-01T00:30:00.250Z'],
    ['lower case with an offset', '2024-05-01t12:00:00.1234+02:00', '2024-05-01T10:00:00.123Z'],
    ['year 0000', '0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['year 9999 end', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('%s', (_case, input, expected) => {
    expect(checkRfc3339(input)).toEqual({ ok: true });
    expect(normaliseRfc3339(input)).toBe(expected);
    // The fast text rewrites agree with the Date round trip.
    expect(normaliseRfc3339(input)).toBe(new Date(Date.parse(input.toUpperCase())).toISOString());
  });

  it('rejects over-long input before matching', () => {
    expect(checkRfc3339('2024-05-01T12:00:00.' + '1'.repeat(40) + 'Z').ok).toBe(false);
  });
});
