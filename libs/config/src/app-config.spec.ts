import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      kafkaBrokers: undefined,
      ledgerUrl: 'sqlite:./data/ledger.db',
      readModelUrl: 'sqlite:./data/read-model.db',
      retentionPolicy: undefined,
      regions: ['eu', 'us'],
      topicPrefix: '',
      apiPort: 3000,
      maxFutureSkewMs: 15 * 60 * 1000,
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      KAFKA_BROKERS: 'a:9092, b:9093',
      LEDGER_URL: 'postgres://localhost/x',
      REGIONS: 'eu,us,apac',
      TOPIC_PREFIX: 't1.',
      API_PORT: '8080',
      MAX_FUTURE_SKEW: 'PT1H',
    });
    expect(c.kafkaBrokers).toEqual(['a:9092', 'b:9093']);
    expect(c.regions).toEqual(['eu', 'us', 'apac']);
    expect(c.ingestGroupId).toBe('t1.retention-ledger-ingest');
    expect(c.maxFutureSkewMs).toBe(3_600_000);
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost'],
    ['LEDGER_URL', 'mysql://x'],
    ['READ_MODEL_URL', 'esdb://x'],
    ['REGIONS', 'eu,EU West'],
    ['REGIONS', 'eu,eu'],
    ['TOPIC_PREFIX', 'a b'],
    ['API_PORT', '70000'],
    ['API_PORT', 'abc'],
    ['MAX_MESSAGE_BYTES', '0'],
    ['MAX_FUTURE_SKEW', '15 minutes'],
    ['LOG_LEVEL', 'loud'],
  ])('stops with a message naming %s when it is "%s"', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });
});
