import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { securityFailure, securityOptions } from './kafka-security';

describe('securityOptions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-kafka-sec-spec-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is plaintext without settings, and bare TLS (system CAs) with KAFKA_SSL alone', () => {
    expect(securityOptions(undefined)).toEqual({});
    expect(securityOptions({ ssl: false })).toEqual({});
    expect(securityOptions({ ssl: true })).toEqual({ ssl: true });
  });

  it('reads the CA, client certificate and key files, and the password file without its newline', () => {
    const opts = securityOptions({
      ssl: true,
      sslCaFile: file('ca.pem', 'CA'),
      sslCertFile: file('c.pem', 'CERT'),
      sslKeyFile: file('c.key', 'KEY'),
      sasl: { mechanism: 'scram-sha-512', username: 'u', passwordFile: file('pw', 's3cret\n') },
    });
    expect(opts).toEqual({
      ssl: { ca: ['CA'], cert: 'CERT', key: 'KEY' },
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 's3cret' },
    });
  });

  it('names the variable of a file it cannot read', () => {
    expect(() => securityOptions({ ssl: true, sslCaFile: path.join(dir, 'missing.pem') })).toThrow(
      /^KAFKA_SSL_CA_FILE: cannot read .*missing\.pem/,
    );
  });
});

describe('securityFailure', () => {
  const sasl = { ssl: true, sasl: { mechanism: 'plain' as const, username: 'u', password: 'hunter2' } };

  it('explains refused credentials without the password', () => {
    const err = Object.assign(new Error('SASL PLAIN authentication failed: bad'), {
      name: 'KafkaJSSASLAuthenticationError',
    });
    const wrapped = Object.assign(new Error('Connection error'), { originalError: err });
    const out = securityFailure(wrapped, sasl);
    expect(out?.message).toMatch(
      /^Kafka refused the credentials of user "u" \(plain\): check KAFKA_SASL_USERNAME/,
    );
    expect(out?.message).not.toContain('hunter2');
  });

  it('explains a certificate problem, and leaves other errors alone', () => {
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(securityFailure(tls, sasl)?.message).toMatch(
      /^TLS to Kafka failed \(SELF_SIGNED_CERT_IN_CHAIN\): check KAFKA_SSL_CA_FILE/,
    );
    expect(securityFailure(new Error('ECONNREFUSED'), sasl)).toBeUndefined();
  });
});
