import { AuthFailureLimiter } from './auth-failure-limiter';

describe('AuthFailureLimiter', () => {
  it('refuses a client after `limit` failures until its window ends, and no one else', () => {
    const limiter = new AuthFailureLimiter(3, 60_000);
    for (let i = 0; i < 2; i++) limiter.recordFailure('a', 1000 + i);
    expect(limiter.retryAfterMs('a', 1002)).toBe(0);
    limiter.recordFailure('a', 1002);
    expect(limiter.retryAfterMs('a', 1003)).toBe(60_000 - 3);
    expect(limiter.retryAfterMs('b', 1003)).toBe(0);
    expect(limiter.retryAfterMs('a', 61_000)).toBe(0);
    // A new window starts from nothing.
    limiter.recordFailure('a', 61_000);
    expect(limiter.retryAfterMs('a', 61_001)).toBe(0);
  });

  it('keeps at most maxClients windows, dropping ended ones first', () => {
    const limiter = new AuthFailureLimiter(1, 1000, 2);
    limiter.recordFailure('a', 0);
    limiter.recordFailure('b', 500);
    limiter.recordFailure('c', 1200); // a's window ended: a goes
    expect(limiter.retryAfterMs('b', 1300)).toBe(200);
    expect(limiter.retryAfterMs('c', 1300)).toBe(900);
    limiter.recordFailure('d', 1400); // both live: the oldest (b) goes
    expect(limiter.retryAfterMs('b', 1450)).toBe(0);
    expect(limiter.retryAfterMs('d', 1450)).toBe(950);
  });
});
