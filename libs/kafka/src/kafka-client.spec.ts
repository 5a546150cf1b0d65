import { createKafka } from './kafka-client';

describe('createKafka logging', () => {
  function withSink() {
    const lines: Array<{ level: string; message: string }> = [];
    const kafka = createKafka({
      brokers: ['127.0.0.1:1'],
      clientId: 'spec',
      log: (level, message) => lines.push({ level, message }),
    });
    return { kafka, lines };
  }

  it('drops the finite-retries warning of an idempotent producer, which is finite on purpose', () => {
    const { kafka, lines } = withSink();
    kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    expect(lines.filter((l) => l.message.includes('Limiting retries'))).toEqual([]);
  });

  it('passes every other kafkajs line to the sink with its level', () => {
    const { kafka, lines } = withSink();
    kafka.logger().warn('broker is slow', { broker: 'b1' });
    kafka.logger().error('connection refused');
    expect(lines).toEqual([
      { level: 'warn', message: 'kafkajs: broker is slow' },
      { level: 'error', message: 'kafkajs: connection refused' },
    ]);
  });

  it('without a sink, writes warnings to stderr as JSON, as kafkajs does', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'spec' });
      kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      kafka.logger().warn('broker is slow');
      expect(warn.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>)).toEqual([
        { level: 'WARN', logger: 'kafkajs', message: 'broker is slow', timestamp: expect.any(String) },
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
