import { parseIsoDurationMs } from './iso-duration';

describe('parseIsoDurationMs', () => {
  it.each([
    ['PT15M', 900_000],
    ['PT1S', 1000],
    ['PT0.5S', 500],
    ['P30D', 30 * 86_400_000],
    ['P1DT1H', 90_000_000],
    ['PT0S', 0],
    // The policy's shape (libs/contracts iso-duration-shape): fractions on days too.
    ['P1.5D', 129_600_000],
  ])('reads %s as %d ms', (raw, ms) => {
    expect(parseIsoDurationMs(raw)).toBe(ms);
  });

  it.each(['PT', 'P', '', '15 minutes', 'PT-1S', 'P1DT', 'pt15m', ' PT1S'])('refuses "%s"', (raw) => {
    expect(parseIsoDurationMs(raw)).toBeUndefined();
  });
});
