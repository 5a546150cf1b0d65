/**
 * Failed authentications per client address in fixed windows: once a client has failed
 * `limit` times in a window, every request it makes is refused (429) until the window
 * ends, before its key is even looked up, so keys cannot be guessed at line rate.
 * In memory, per process: a few bytes per address that failed, at most `maxClients`.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxClients = 100_000,
  ) {}

  /** Milliseconds until this client may try again, or 0 when it may now. */
  retryAfterMs(client: string, now: number): number {
    const w = this.windows.get(client);
    if (!w) return 0;
    const end = w.start + this.windowMs;
    if (now >= end) {
      this.windows.delete(client);
      return 0;
    }
    return w.failures >= this.limit ? end - now : 0;
  }

  recordFailure(client: string, now: number): void {
    const w = this.windows.get(client);
    if (w && now < w.start + this.windowMs) {
      w.failures += 1;
      return;
    }
    if (this.windows.size >= this.maxClients) this.sweep(now);
    this.windows.set(client, { start: now, failures: 1 });
  }

  /** Drops ended windows; if every window is live, the oldest goes (Maps keep insertion order). */
  private sweep(now: number): void {
    for (const [client, w] of this.windows) {
      if (now >= w.start + this.windowMs) this.windows.delete(client);
    }
    if (this.windows.size >= this.maxClients) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }
}
