import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/**
 * How a client authenticates and encrypts (KAFKA_SSL*, KAFKA_SASL_*). The shape of
 * `AppConfig.kafka` (libs/config), restated here so libs/kafka depends on no other lib.
 */
export interface KafkaSecurity {
  ssl: boolean;
  sslCaFile?: string;
  sslCertFile?: string;
  sslKeyFile?: string;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password?: string;
    passwordFile?: string;
  };
}

export class KafkaSecurityError extends Error {
  override name = 'KafkaSecurityError';
}

function readFile(variable: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new KafkaSecurityError(`${variable}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The password from KAFKA_SASL_PASSWORD or the file KAFKA_SASL_PASSWORD_FILE names (one trailing newline dropped). */
function password(sasl: NonNullable<KafkaSecurity['sasl']>): string {
  if (sasl.password !== undefined) return sasl.password;
  if (sasl.passwordFile === undefined) throw new KafkaSecurityError('KAFKA_SASL_PASSWORD is not set');
  return readFile('KAFKA_SASL_PASSWORD_FILE', sasl.passwordFile).replace(/\r?\n$/, '');
}

/**
 * kafkajs' `ssl` and `sasl` options. Files are read once, here, so a wrong path stops
 * start-up naming its variable. The password lives only in the returned object, which
 * nothing logs.
 */
export function securityOptions(sec: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!sec) return {};
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (sec.ssl) {
    const tls: ConnectionOptions = {};
    if (sec.sslCaFile) tls.ca = [readFile('KAFKA_SSL_CA_FILE', sec.sslCaFile)];
    if (sec.sslCertFile) tls.cert = readFile('KAFKA_SSL_CERT_FILE', sec.sslCertFile);
    if (sec.sslKeyFile) tls.key = readFile('KAFKA_SSL_KEY_FILE', sec.sslKeyFile);
    out.ssl = Object.keys(tls).length > 0 ? tls : true;
  }
  if (sec.sasl) {
    const { mechanism, username } = sec.sasl;
    out.sasl = { mechanism, username, password: password(sec.sasl) } as SASLOptions;
  }
  return out;
}

/**
 * A start-up failure that is the connection's security — refused credentials, an
 * untrusted or unverifiable certificate, a TLS handshake the broker broke off —
 * as a KafkaSecurityError that says what to check, or undefined for any other error.
 * Never echoes a secret.
 */
export function securityFailure(
  err: unknown,
  sec: KafkaSecurity | undefined,
): KafkaSecurityError | undefined {
  if (err instanceof KafkaSecurityError) return err;
  const text = describeSecurityFailure(err, sec);
  return text === undefined ? undefined : new KafkaSecurityError(text);
}

function describeSecurityFailure(err: unknown, sec: KafkaSecurity | undefined): string | undefined {
  const chain: Array<Error & { code?: string }> = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 5; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    const original = (e as { originalError?: unknown }).originalError;
    if (original instanceof Error) chain.push(original);
  }
  const sasl = chain.find((e) => e.name === 'KafkaJSSASLAuthenticationError');
  if (sasl) {
    const who = sec?.sasl ? `user "${sec.sasl.username}" (${sec.sasl.mechanism})` : 'this client';
    return `Kafka refused the credentials of ${who}: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) and KAFKA_SASL_MECHANISM`;
  }
  const tls = chain.find(
    (e) =>
      /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL/.test(e.code ?? '') ||
      /certificate|handshake|alert/i.test(e.message),
  );
  if (tls) {
    return `TLS to Kafka failed (${tls.code ?? tls.message.split('\n')[0].trim()}): check KAFKA_SSL_CA_FILE, and KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE where the broker asks for a client certificate`;
  }
  return undefined;
}
