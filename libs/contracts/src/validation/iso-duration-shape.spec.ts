import { isStrictIsoDuration } from './iso-duration-shape';

describe('isStrictIsoDuration', () => {
  it.each(['P30D', 'PT15M', 'PT0.5S', 'P1DT1H', 'PT0S', 'P1Y', 'P1Y2M3W4DT5H6M7S', 'P1.5D', 'P2W'])(
    'accepts %s',
    (text) => expect(isStrictIsoDuration(text)).toBe(true),
  );

  it.each([
    'P',
    'PT',
    'P1DT',
    '',
    'PT-1S',
    '-P1D',
    'P1.5Y',
    'P1.5M',
    'pt15m',
    ' PT1S',
    'P1D ',
    '15 minutes',
    'P1H',
  ])('refuses "%s"', (text) => expect(isStrictIsoDuration(text)).toBe(false));
});
