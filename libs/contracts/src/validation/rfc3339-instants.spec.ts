import fc from 'fast-check';
import { formatInstant, parseInstant } from './rfc3339';

describe('fast instants agree with Date', () => {
  const instant = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }); // years 1-9999

  it('formatInstant(ms) === new Date(ms).toISOString()', () => {
    fc.assert(
      fc.property(instant, (ms) => formatInstant(ms) === new Date(ms).toISOString()),
      { numRuns: 20_000 },
    );
  });

  it('parseInstant(text) === Date.parse(text) for toISOString text', () => {
    fc.assert(
      fc.property(instant, (ms) => parseInstant(new Date(ms).toISOString()) === ms),
      { numRuns: 20_000 },
    );
  });

  it.each([
    '2025-01-01T00:00:00Z',
    '2025-01-01T01:00:00.000+01:00',
    '2024-02-29T12:00:00.000Z',
    '2025-02-29T00:00:00.000Z',
    '2025-01-01T24:00:00.000Z',
    '2025-13-01T00:00:00.000Z',
    'yesterday',
    '',
  ])('falls back to Date.parse for %j', (text) => {
    expect(parseInstant(text)).toEqual(Date.parse(text));
  });

  it('prints out-of-range instants as Date does, and throws on NaN as toISOString does', () => {
    expect(formatInstant(8.64e15)).toBe(new Date(8.64e15).toISOString());
    expect(() => formatInstant(NaN)).toThrow(RangeError);
  });
});
