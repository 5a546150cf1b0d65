import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TopicNames } from '@app/contracts';
import { createKafka, ensureTopics, KafkaSecurity } from '@app/kafka';
import { exited, runCli, startCli, testEnv } from './support/cli-process';
import { consumeAll, produce, randomPrefix, waitFor } from './support/kafka';
import { ZERO_DELAY_POLICY } from './support/policies';
import { PrivateBroker, startPrivateBroker } from './support/private-broker';

/**
 * The services against a broker that wants authentication: a SASL_SSL listener
 * (SCRAM-SHA-512/256, PLAIN) and a listener that requires a client certificate, both
 * with certificates from a CA made for this run (deploy/kafka/test-pki.js).
 */
describe('Kafka with TLS, SASL and mutual TLS (a broker of its own)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-kafka-sec-'));
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const passwordFile = path.join(dir, 'kafka-password');
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  let broker: PrivateBroker;

  beforeAll(async () => {
    broker = await startPrivateBroker({ mode: 'sasl_ssl', users: [{ username: 'ledger', password }] });
  }, 120_000);

  afterAll(async () => {
    await broker?.stop();
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  const sec = () => broker.info.security!;
  const saslEnv = (): NodeJS.ProcessEnv => ({
    KAFKA_BROKERS: broker.info.brokers,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: sec().caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'ledger',
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
    KAFKA_CLIENT_ID: 'ledger-under-test',
  });
  const mtls = (): KafkaSecurity => ({
    ssl: true,
    sslCaFile: sec().caFile,
    sslCertFile: sec().clientCertFile,
    sslKeyFile: sec().clientKeyFile,
  });

  it('runs the pipeline over SASL/SCRAM with TLS: events in, a deletion command out (read over mutual TLS)', async () => {
    const prefix = randomPrefix();
    const topics = new TopicNames(prefix, ['eu', 'us']);
    const tenant = `sec-${prefix.slice(1, -1)}`;
    // A producer that authenticates with PLAIN, the ledger with SCRAM-SHA-512, a store with a certificate.
    const producerKafka = createKafka({
      brokers: [broker.info.brokers],
      clientId: 'producer',
      security: {
        ssl: true,
        sslCaFile: sec().caFile,
        sasl: { mechanism: 'plain', username: 'ledger', password },
      },
    });
    await ensureTopics(producerKafka, topics.allTopics());
    const env = testEnv(dir, prefix, {
      policy: ZERO_DELAY_POLICY,
      extra: { ...saslEnv(), DISPATCH_INTERVAL: 'PT0.2S' },
    });
    const log = path.join(dir, 'run.log');
    const child = startCli(['run', '--only', 'ingest,projector,dispatcher'], env, log);
    try {
      const occurredAt = new Date(Date.now() - 60_000).toISOString();
      await produce(producerKafka, topics.lifecycle('data-created'), [
        {
          key: tenant,
          value: JSON.stringify({
            eventId: `${tenant}-c`,
            tenantId: tenant,
            occurredAt,
            dataId: 'd1',
            category: 'personal',
            region: 'eu',
            store: 'crm',
          }),
        },
      ]);
      await produce(producerKafka, topics.lifecycle('data-deleted'), [
        {
          key: tenant,
          value: JSON.stringify({
            eventId: `${tenant}-d`,
            tenantId: tenant,
            occurredAt,
            dataId: 'd1',
            deletedBy: 'user',
          }),
        },
      ]);
      const storeKafka = createKafka({
        brokers: [sec().mtlsBrokers],
        clientId: 'store-eu',
        security: mtls(),
      });
      const [command] = await consumeAll(storeKafka, topics.commands('eu'), 1, 60_000);
      expect(JSON.parse(command.value)).toMatchObject({
        tenantId: tenant,
        region: 'eu',
        store: 'crm',
        target: { kind: 'data', dataId: 'd1' },
      });
    } finally {
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
    }
    expect(fs.readFileSync(log, 'utf8')).not.toContain(password);
  }, 120_000);

  it('stops start-up on a wrong password with exit 4 and a message that names the variables, not the password', async () => {
    const prefix = randomPrefix();
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const env = testEnv(dir, prefix, {
      extra: { ...saslEnv(), KAFKA_SASL_PASSWORD_FILE: '', KAFKA_SASL_PASSWORD: wrong },
    });
    const run = await runCli(['run', '--only', 'ingest,projector,dispatcher'], env, 60_000);
    expect({ code: run.code, stderr: run.stderr.slice(-400) }).toMatchObject({ code: 4 });
    expect(run.stderr).toContain(
      'retention-ledger: Kafka refused the credentials of user "ledger" (scram-sha-512): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD',
    );
    expect(run.stderr + run.stdout).not.toContain(wrong);
  }, 90_000);

  it('mutual TLS: the listener admits a client certificate signed by the CA and refuses a client without one', async () => {
    const withCert = createKafka({
      brokers: [sec().mtlsBrokers],
      clientId: 'mtls',
      security: mtls(),
    }).admin();
    await withCert.connect();
    try {
      expect((await withCert.describeCluster()).brokers).toHaveLength(1);
    } finally {
      await withCert.disconnect();
    }
    const withoutCert = new Kafka({
      brokers: [sec().mtlsBrokers],
      ssl: { ca: [fs.readFileSync(sec().caFile, 'utf8')] },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await expect(withoutCert.connect()).rejects.toThrow(/certificate|alert/i);
    await waitFor(() => withoutCert.disconnect().then(() => true), Boolean, 5_000, 'disconnect');
  }, 60_000);
});
