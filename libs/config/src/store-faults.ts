import { backoffMs, faultKind, FaultKind, TransientError } from './faults';

/** The stores a process talks to, as /health and /metrics name them. */
export type StoreName = 'ledger' | 'readModel' | 'keys';

/** ok: last operation succeeded; degraded: failing and being retried; down: failing for longer than `downAfterMs`. */
export type StoreState = 'ok' | 'degraded' | 'down';

export interface StoreFaultReport {
  store: StoreName;
  state: StoreState;
  /** Errors seen since the process started, by kind (retries included). */
  errors: Record<FaultKind, number>;
  /** While not ok: when the current run of failures began, and its last error. */
  failingSince?: string;
  lastError?: string;
}

interface Tracked {
  errors: Record<FaultKind, number>;
  failingSince?: number;
  lastError?: string;
}

/**
 * What the process's stores went through: every error by kind, and whether a store is
 * failing right now. Filled by `withStoreRetry` and the pools' error listeners; read by
 * /health (degraded/down) and /metrics (`retention_ledger_store_errors_total`).
 */
export class StoreFaults {
  private readonly stores = new Map<StoreName, Tracked>();

  constructor(
    private readonly now: () => number = Date.now,
    /** A store failing continuously this long is reported down (health 503), not just degraded. */
    private readonly downAfterMs = 30_000,
  ) {}

  private tracked(store: StoreName): Tracked {
    let t = this.stores.get(store);
    if (!t) this.stores.set(store, (t = { errors: { transient: 0, permanent: 0 } }));
    return t;
  }

  /** Records an error of an operation on `store`; returns its kind. */
  failed(store: StoreName, err: unknown): FaultKind {
    const kind = faultKind(err);
    const t = this.tracked(store);
    t.errors[kind]++;
    // A permanent error (bad input, a refused write) says nothing about the store being reachable.
    if (kind === 'transient') {
      t.failingSince ??= this.now();
      t.lastError = err instanceof Error ? err.message : String(err);
    }
    return kind;
  }

  /** An operation on `store` succeeded: it is reachable again. */
  succeeded(store: StoreName): void {
    const t = this.stores.get(store);
    if (t && t.failingSince !== undefined) {
      t.failingSince = undefined;
      t.lastError = undefined;
    }
  }

  report(): StoreFaultReport[] {
    const now = this.now();
    return [...this.stores].map(([store, t]) => ({
      store,
      state:
        t.failingSince === undefined ? 'ok' : now - t.failingSince >= this.downAfterMs ? 'down' : 'degraded',
      errors: { ...t.errors },
      ...(t.failingSince !== undefined
        ? { failingSince: new Date(t.failingSince).toISOString(), lastError: t.lastError }
        : {}),
    }));
  }
}

export interface StoreRetryOptions {
  /** Give up (with a TransientError) once retrying took this long; the caller's own loop backs off further. */
  maxRetryMs?: number;
  initialMs?: number;
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `op`, retrying transient faults with backoff for up to `maxRetryMs`; records every outcome. */
export async function retryTransient<T>(
  store: StoreName,
  faults: StoreFaults,
  op: () => Promise<T>,
  opts: StoreRetryOptions = {},
): Promise<T> {
  const started = Date.now();
  const maxRetryMs = opts.maxRetryMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await op();
      faults.succeeded(store);
      return result;
    } catch (err) {
      if (faults.failed(store, err) === 'permanent') throw err;
      const wait = backoffMs(attempt, { initialMs: opts.initialMs ?? 100, maxMs: opts.maxMs ?? 2000 });
      if (Date.now() - started + wait > maxRetryMs) {
        throw new TransientError(`${store} unavailable after ${attempt} attempts: ${String(err)}`, {
          cause: err,
        });
      }
      await (opts.sleep ?? sleepMs)(wait);
    }
  }
}

/**
 * The same store, each promise-returning method retried on transient faults (a dropped
 * PostgreSQL connection, a busy SQLite file). Safe because every store operation is
 * idempotent or transactional: a retried append meets its own eventIds and reports them
 * as duplicates. Iterators and `close` pass through unretried.
 */
export function withStoreRetry<T extends object>(
  target: T,
  store: StoreName,
  faults: StoreFaults,
  opts: StoreRetryOptions = {},
): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        const first = (value as (...a: unknown[]) => unknown).apply(obj, args);
        if (!(first instanceof Promise)) return first;
        let tried = false;
        return retryTransient(
          store,
          faults,
          () => {
            if (!tried) {
              tried = true;
              return first;
            }
            return (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          },
          opts,
        );
      };
    },
  });
}
