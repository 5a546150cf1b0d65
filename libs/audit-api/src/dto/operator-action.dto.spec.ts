import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ExtendBodyDto } from './operator-action.dto';

/** The API's `until` follows the contract's RFC 3339 rule, as the CLI's `--until` does. */
describe('ExtendBodyDto.until', () => {
  const problems = (until: unknown): string[] =>
    validateSync(plainToInstance(ExtendBodyDto, { reason: 'vendor outage', until })).flatMap((e) =>
      Object.values(e.constraints ?? {}),
    );

  it.each(['2030-01-01T00:00:00Z', '2030-01-01t00:00:00.123456+02:00'])('accepts %s', (until) => {
    expect(problems(until)).toEqual([]);
  });

  it.each(['2030-01-01', '2030-01-01T00:00:00', '2030-02-30T00:00:00Z', '2030-01-01T24:00:00Z', 7])(
    'refuses %j',
    (until) => {
      expect(problems(until)).toEqual(['until must be an RFC 3339 time with an offset']);
    },
  );
});
