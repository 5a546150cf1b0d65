import { PermanentError } from './faults';
import { retryTransient, StoreFaults, withStoreRetry } from './store-faults';

const connectionLost = () => Object.assign(new Error('terminating connection'), { code: '57P01' });

describe('StoreFaults', () => {
  it('reports a store degraded while it fails, down after the threshold, ok after a success', () => {
    let now = 0;
    const faults = new StoreFaults(() => now, 30_000);
    faults.failed('ledger', connectionLost());
    now = 29_999;
    expect(faults.report()).toEqual([
      {
        store: 'ledger',
        state: 'degraded',
        errors: { transient: 1, permanent: 0 },
        failingSince: new Date(0).toISOString(),
        lastError: 'terminating connection',
      },
    ]);
    now = 30_000;
    expect(faults.report()[0].state).toBe('down');
    faults.succeeded('ledger');
    expect(faults.report()[0]).toEqual({
      store: 'ledger',
      state: 'ok',
      errors: { transient: 1, permanent: 0 },
    });
  });

  it('counts a permanent error without calling the store unreachable', () => {
    const faults = new StoreFaults();
    faults.failed('readModel', new PermanentError('constraint'));
    expect(faults.report()[0]).toMatchObject({ state: 'ok', errors: { transient: 0, permanent: 1 } });
  });
});

describe('retryTransient / withStoreRetry', () => {
  const fast = { sleep: async () => undefined };

  it('retries transient faults until the operation succeeds, and records them', async () => {
    const faults = new StoreFaults();
    let calls = 0;
    const store = {
      async counts() {
        if (++calls < 3) throw connectionLost();
        return 7;
      },
    };
    await expect(withStoreRetry(store, 'ledger', faults, fast).counts()).resolves.toBe(7);
    expect(calls).toBe(3);
    expect(faults.report()[0]).toMatchObject({ state: 'ok', errors: { transient: 2 } });
  });

  it('does not retry a permanent fault', async () => {
    const faults = new StoreFaults();
    let calls = 0;
    const op = async () => {
      calls++;
      throw new PermanentError('bad input');
    };
    await expect(retryTransient('ledger', faults, op, fast)).rejects.toThrow('bad input');
    expect(calls).toBe(1);
  });

  it('gives up with a TransientError once retrying took longer than maxRetryMs', async () => {
    const faults = new StoreFaults();
    const op = async () => {
      throw connectionLost();
    };
    await expect(
      retryTransient('readModel', faults, op, {
        maxRetryMs: 300,
        initialMs: 100,
        maxMs: 100,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      }),
    ).rejects.toMatchObject({ name: 'TransientError' });
    expect(faults.report()[0].state).toBe('degraded');
  });

  it('passes iterators and close through untouched', async () => {
    const faults = new StoreFaults();
    let closed = 0;
    const store = {
      async *items() {
        yield 1;
      },
      async close() {
        closed++;
        throw connectionLost();
      },
    };
    const wrapped = withStoreRetry(store, 'ledger', faults, fast);
    const got: number[] = [];
    for await (const x of wrapped.items()) got.push(x);
    expect(got).toEqual([1]);
    await expect(wrapped.close()).rejects.toThrow('terminating');
    expect(closed).toBe(1);
  });
});
