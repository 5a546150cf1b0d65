import { Kafka, KafkaJSGroupCoordinatorNotFound, logLevel } from 'kafkajs';
import { backoffMs, faultKind, PermanentError, TransientError } from './faults';

/** What kafkajs itself throws when its retries against an unreachable broker run out. */
async function retriesExhausted(): Promise<unknown> {
  const kafka = new Kafka({
    brokers: ['127.0.0.1:1'],
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 10 },
  });
  const producer = kafka.producer();
  return producer.connect().then(
    () => producer.disconnect(),
    (err: unknown) => err,
  );
}

describe('faultKind', () => {
  it.each<[string, unknown]>([
    ['a TransientError', new TransientError('store down')],
    ['a kafkajs retriable error', Object.assign(new Error('leader not available'), { retriable: true })],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    [
      'PostgreSQL admin shutdown (57P01)',
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    ],
    ['a PostgreSQL connection exception (08006)', Object.assign(new Error('x'), { code: '08006' })],
    ['a PostgreSQL deadlock', Object.assign(new Error('deadlock'), { code: '40P01' })],
    ['SQLite busy', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['pg "Connection terminated"', new Error('Connection terminated unexpectedly')],
    [
      'a wrapped transient cause',
      new Error('append failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
    ],
  ])('calls %s transient', (_name, err) => {
    expect(faultKind(err)).toBe('transient');
  });

  it('calls kafkajs giving up on an unreachable broker transient (it was met as a crash of ingest)', async () => {
    const err = await retriesExhausted();
    expect(err).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded', retriable: false });
    expect(faultKind(err)).toBe('transient');
  });

  it('calls kafkajs failing to find a group coordinator transient (non-retriable to kafkajs, which never restarts a consumer after it)', () => {
    // As kafkajs' cluster throws it; its types declare no argument, its code needs the message.
    const err: Error = Reflect.construct(KafkaJSGroupCoordinatorNotFound, [
      'Failed to find group coordinator',
    ]);
    expect(err).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound', retriable: false });
    expect(faultKind(err)).toBe('transient');
  });

  it('judges kafkajs giving up by what it retried: a non-retriable cause stays permanent', () => {
    const gaveUp = Object.assign(new Error('retries exceeded'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      retriable: false,
      cause: Object.assign(new Error('message too large'), { retriable: false }),
    });
    expect(faultKind(gaveUp)).toBe('permanent');
  });

  it.each<[string, unknown]>([
    ['a PermanentError', new PermanentError('bad input')],
    ['a kafkajs non-retriable error', Object.assign(new Error('message too large'), { retriable: false })],
    ['a PostgreSQL unique violation', Object.assign(new Error('dup'), { code: '23505' })],
    ['SQLite constraint', Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT_TRIGGER' })],
    ['a plain error', new Error('bug')],
    ['a string', 'oops'],
  ])('calls %s permanent', (_name, err) => {
    expect(faultKind(err)).toBe('permanent');
  });
});

describe('backoffMs', () => {
  it('doubles from the initial wait up to the cap, without jitter', () => {
    const o = { initialMs: 100, maxMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffMs(a, o))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws up to the jitter share below the exponential wait', () => {
    const o = { initialMs: 1000, maxMs: 10_000, jitter: 0.5 };
    expect(backoffMs(1, o, () => 0)).toBe(500);
    expect(backoffMs(1, o, () => 1)).toBe(1000);
  });
});
