import { OBLIGATION_STATUSES } from '@app/retention';
import { storedStatus } from './obligation-record';

describe('storedStatus', () => {
  it('gives back every status the fold derives', () => {
    for (const status of OBLIGATION_STATUSES) expect(storedStatus(status, 'ob-1')).toBe(status);
  });

  it('refuses a status this version does not know, naming the obligation and the way out', () => {
    expect(() => storedStatus('purged', 'ob-1')).toThrow(/ob-1 with status "purged".*rebuild/);
  });
});
