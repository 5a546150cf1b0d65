import { addDuration, parseDuration, type CompiledDuration } from './duration';

const compiled = (iso: string): CompiledDuration => {
  const result = parseDuration(iso);
  if (typeof result === 'string') throw new Error(result);
  return result;
};
const at = (iso: string) => Date.parse(iso);
const plus = (from: string, duration: string) =>
  new Date(addDuration(at(from), compiled(duration))).toISOString();

describe('ISO-8601 durations, added in UTC', () => {
  it('days are 24 hours (no daylight saving in UTC)', () => {
    expect(plus('2025-03-29T12:00:00.000Z', 'P1D')).toBe('2025-03-30T12:00:00.000Z');
    expect(plus('2025-01-01T00:00:00.000Z', 'P30D')).toBe('2025-01-31T00:00:00.000Z');
    expect(plus('2025-01-01T00:00:00.000Z', 'P1W2DT3H4M5.5S')).toBe('2025-01-10T03:04:05.500Z');
  });

  it('months and years follow the calendar', () => {
    expect(plus('2024-01-31T10:00:00.000Z', 'P1M')).toBe('2024-02-29T10:00:00.000Z');
    expect(plus('2024-02-29T00:00:00.000Z', 'P1Y')).toBe('2025-02-28T00:00:00.000Z');
    expect(compiled('P1M').fixedMillis).toBeNull();
    expect(compiled('P30D').fixedMillis).toBe(30 * 86_400_000);
  });

  it.each([
    ['P', 'not a valid'],
    ['PT', 'not a valid'],
    ['P30DT', 'not a valid'],
    ['30D', 'not a valid'],
    ['p30d', 'not a valid'],
    ['P1.5M', 'not a valid'],
    ['P-3D', 'negative'],
    ['-P3D', 'negative'],
    ['PT-1H', 'negative'],
    ['P1001Y', 'longer than 1000 years'],
  ])('rejects %s (%s)', (iso, why) => {
    expect(parseDuration(iso)).toEqual(expect.stringContaining(why));
  });
});
