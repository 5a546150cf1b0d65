import { ValidateBy, ValidationOptions } from 'class-validator';
import { checkRfc3339 } from '@app/contracts';

/** The contract's own RFC 3339 rule (explicit offset required), so the API and the topics agree. */
export function IsRfc3339Instant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'rfc3339',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && checkRfc3339(value).ok,
        defaultMessage: (args) => {
          const checked = typeof args?.value === 'string' ? checkRfc3339(args.value) : undefined;
          const problem = checked && !checked.ok ? checked.problem : 'must be an RFC 3339 timestamp';
          return `${args?.property} ${problem}`;
        },
      },
    },
    options,
  );
}
