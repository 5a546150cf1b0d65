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

  it('reads the Kafka connection and topic settings', () => {
    const c = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/ca.pem',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'ledger',
      KAFKA_SASL_PASSWORD_FILE: '/run/secrets/pw',
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_CREATE_TOPICS: 'false',
      DEAD_LETTER_RETENTION: 'P7D',
      CHECKPOINTS_RETENTION: 'forever',
    });
    expect(c.kafka).toMatchObject({ ssl: true, sslCaFile: '/ca.pem', clientId: 'retention-ledger' });
    expect(c.kafka.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'ledger',
      password: undefined,
      passwordFile: '/run/secrets/pw',
    });
    expect(c.topics).toMatchObject({ create: false, replicationFactor: 3 });
    expect(c.topics.retentionMs.deadLetters).toBe(7 * 86_400_000);
    expect(c.topics.retentionMs.checkpoints).toBe(-1);
  });

  it('keeps commands, receipts and dead letters 28 days by default, checkpoints forever', () => {
    expect(loadConfig({}).topics.retentionMs).toEqual({
      commands: 28 * 86_400_000,
      receipts: 28 * 86_400_000,
      deadLetters: 28 * 86_400_000,
      checkpoints: -1,
    });
  });

  it('refuses a COMMANDS_RETENTION shorter than RECEIPT_TIMEOUT, naming both', () => {
    expect(() => loadConfig({ COMMANDS_RETENTION: 'PT30M' })).toThrow(
      /^COMMANDS_RETENTION must be at least RECEIPT_TIMEOUT \(3600000 ms\), got 1800000 ms/,
    );
    expect(() => loadConfig({ COMMANDS_RETENTION: 'PT2H', RECEIPT_TIMEOUT: 'PT3H' })).toThrow(ConfigError);
    expect(loadConfig({ COMMANDS_RETENTION: 'PT1H' }).topics.retentionMs.commands).toBe(3_600_000);
    expect(
      loadConfig({ COMMANDS_RETENTION: 'forever', RECEIPT_TIMEOUT: 'P7D' }).topics.retentionMs.commands,
    ).toBe(-1);
  });

  it('gives the contract defaults of v1.1', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      apiHost: '127.0.0.1',
      receiptTimeoutMs: 3_600_000,
      dispatchLeaseMs: 30_000,
      checkpointKey: './data/checkpoint-key.pem',
      checkpointIntervalMs: 3_600_000,
      subjectKeysUrl: 'sqlite:./data/subject-keys.db',
      otelEndpoint: undefined,
      minOccurredAtMs: Date.parse('2000-01-01T00:00:00Z'),
    });
    expect(c.kafka.sasl).toBeUndefined();
    expect(c.topics.create).toBe(true);
  });

  it('reads the HTTP surface settings', () => {
    expect(loadConfig({})).toMatchObject({
      apiTrustProxy: false,
      apiRateLimit: 600,
      apiAuthFailureLimit: 30,
      apiHeavyJobs: 2,
      apiRateWindowMs: 60_000,
      metricsRefreshMs: 15_000,
      verifyIntervalMs: 3_600_000,
    });
    const c = loadConfig({
      API_HOST: '0.0.0.0',
      API_TRUST_PROXY: '1',
      API_RATE_LIMIT: '5',
      API_AUTH_FAILURE_LIMIT: '2',
      API_RATE_WINDOW: 'PT10S',
    });
    expect(c).toMatchObject({
      apiHost: '0.0.0.0',
      apiTrustProxy: 1,
      apiRateLimit: 5,
      apiRateWindowMs: 10_000,
    });
    expect(loadConfig({ API_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).apiTrustProxy).toBe(
      'loopback, 10.0.0.0/8',
    );
    expect(loadConfig({ VERIFY_INTERVAL: 'off' }).verifyIntervalMs).toBe(0);
    expect(() => loadConfig({ API_RATE_LIMIT: '0' })).toThrow(/^API_RATE_LIMIT /);
    expect(() => loadConfig({ API_RATE_WINDOW: 'PT0.5S' })).toThrow(/^API_RATE_WINDOW /);
    expect(() => loadConfig({ API_TRUST_PROXY: '$(x)' })).toThrow(/^API_TRUST_PROXY /);
  });

  it('refuses a SASL mechanism without a password, and a password given twice', () => {
    const base = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' };
    expect(() => loadConfig(base)).toThrow(/^KAFKA_SASL_PASSWORD /);
    expect(() => loadConfig({ ...base, KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: '/f' })).toThrow(
      /^KAFKA_SASL_PASSWORD /,
    );
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
    ['DISPATCH_INTERVAL', 'PT'],
    ['DISPATCH_INTERVAL', 'PT0S'],
    ['RECEIPT_TIMEOUT', 'an hour'],
    ['DISPATCH_LEASE', 'P'],
    ['CHECKPOINT_INTERVAL', 'PT'],
    ['MIN_OCCURRED_AT', 'yesterday'],
    ['MIN_OCCURRED_AT', '2024-02-30T00:00:00Z'],
    ['KAFKA_SSL', 'yes'],
    ['KAFKA_SASL_MECHANISM', 'gssapi'],
    ['KAFKA_SSL_CERT_FILE', '/cert.pem'],
    ['KAFKA_REPLICATION_FACTOR', '0'],
    ['KAFKA_CREATE_TOPICS', 'maybe'],
    ['KAFKA_CLIENT_ID', 'a b'],
    ['API_HOST', 'a b'],
    ['SUBJECT_KEYS_URL', 'mysql://x'],
    ['COMMANDS_RETENTION', 'PT0S'],
  ])('stops with a message naming %s when it is "%s"', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });
  // Every duration variable goes through the strict ISO-8601 parser (iso-duration.ts): luxon alone
  // takes "PT" for 0 ms, which once made DISPATCH_INTERVAL=PT a busy loop.
  const DURATION_VARIABLES = [
    'API_RATE_WINDOW',
    'METRICS_REFRESH',
    'VERIFY_INTERVAL',
    'MAX_FUTURE_SKEW',
    'DISPATCH_INTERVAL',
    'DISPATCH_RETRY_BACKOFF',
    'RECEIPT_TIMEOUT',
    'DISPATCH_LEASE',
    'CHECKPOINT_INTERVAL',
    'COMMANDS_RETENTION',
    'RECEIPTS_RETENTION',
    'DEAD_LETTER_RETENTION',
    'CHECKPOINTS_RETENTION',
  ];
  it.each(DURATION_VARIABLES.flatMap((name) => ['PT', 'P', 'P1DT', 'PT-1S', '15m'].map((v) => [name, v])))(
    'refuses the duration %s=%s',
    (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(
        new RegExp(`^${name} must be an ISO-8601 duration.* such as PT15M, got "${value}"`),
      );
    },
  );
  it.each(DURATION_VARIABLES)('accepts the duration %s=PT2H', (name) => {
    expect(() => loadConfig({ [name]: 'PT2H' })).not.toThrow();
  });
});
