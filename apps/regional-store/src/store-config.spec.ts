import path from 'node:path';
import { readStoreConfig } from './store-config';

describe('readStoreConfig', () => {
  it('applies the defaults', () => {
    expect(readStoreConfig({ KAFKA_BROKERS: 'localhost:19092' })).toEqual({
      brokers: ['localhost:19092'],
      region: 'eu',
      dbPath: path.resolve('data/regional-store-eu.db'),
      topicPrefix: '',
      groupId: 'regional-store-eu',
      logLevel: 'info',
      kafka: {
        clientId: 'regional-store-eu',
        ssl: false,
        sslCaFile: undefined,
        sslCertFile: undefined,
        sslKeyFile: undefined,
        sasl: undefined,
      },
      topics: {
        create: true,
        replicationFactor: undefined,
        retentionMs: { commands: 2419200000, receipts: 2419200000, deadLetters: 2419200000, checkpoints: -1 },
      },
    });
  });

  it("reads the ledger's KAFKA_SSL* and KAFKA_SASL_* variables", () => {
    const c = readStoreConfig({
      KAFKA_BROKERS: 'a:1',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/ca.pem',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'store-eu',
      KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
      KAFKA_CLIENT_ID: 'crm-eu',
    });
    expect(c.kafka).toEqual({
      clientId: 'crm-eu',
      ssl: true,
      sslCaFile: '/ca.pem',
      sslCertFile: undefined,
      sslKeyFile: undefined,
      sasl: {
        mechanism: 'scram-sha-512',
        username: 'store-eu',
        password: undefined,
        passwordFile: '/run/secrets/kafka',
      },
    });
  });

  it('derives the group from prefix and region', () => {
    const c = readStoreConfig({
      KAFKA_BROKERS: 'a:1,b:2',
      REGION: 'us',
      TOPIC_PREFIX: 'demo.',
      STORE_DB: '/tmp/s.db',
    });
    expect(c).toMatchObject({
      brokers: ['a:1', 'b:2'],
      region: 'us',
      groupId: 'demo.regional-store-us',
      dbPath: '/tmp/s.db',
    });
    expect(readStoreConfig({ KAFKA_BROKERS: 'a:1', REGIONAL_GROUP_ID: 'g' }).groupId).toBe('g');
  });

  it.each([
    [{}, /KAFKA_BROKERS is required/],
    [{ KAFKA_BROKERS: 'nohost' }, /KAFKA_BROKERS/],
    [{ KAFKA_BROKERS: 'a:1', REGION: 'eu west' }, /REGION/],
    [{ KAFKA_BROKERS: 'a:1', TOPIC_PREFIX: 'a b' }, /TOPIC_PREFIX/],
    [{ KAFKA_BROKERS: 'a:1', LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'gssapi' }, /KAFKA_SASL_MECHANISM/],
  ])('names the variable at fault: %j', (env, message) => {
    expect(() => readStoreConfig(env)).toThrow(message);
  });
});
