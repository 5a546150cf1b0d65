'use strict';
/*
 * A throw-away certificate authority for the local broker's TLS listeners: a CA, a broker
 * certificate for 127.0.0.1 / localhost (server and client use, so brokers can talk to each
 * other over mutual TLS), and a client certificate for mutual-TLS tests. Made with openssl
 * (Debian's package, installed on a fresh machine by ensure-debian-tool) and Java's keytool;
 * valid for 30 days, regenerated when missing. Never for production.
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ensureTool } = require('../tools/ensure-debian-tool');

function run(bin, args, cwd) {
  try {
    execFileSync(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    throw new Error(`${path.basename(bin)} ${args[0]} failed: ${err.stderr || err.message}`);
  }
}

function signed(openssl, dir, name, cn, usage) {
  fs.writeFileSync(
    path.join(dir, `${name}.ext`),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      `extendedKeyUsage=${usage}`,
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  run(openssl, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  run(
    openssl,
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-out', `${name}.pem`, '-extfile', `${name}.ext`],
    dir,
  );
}

/**
 * Creates (once) the CA, the broker's PKCS#12 keystore and truststore, and a client key
 * pair in `dir`; returns their paths and the store password.
 */
function ensureTestPki(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    keystore: path.join(dir, 'broker.p12'),
    truststore: path.join(dir, 'truststore.p12'),
    clientCertFile: path.join(dir, 'client.pem'),
    clientKeyFile: path.join(dir, 'client.key'),
    storePasswordFile: path.join(dir, 'store-password'),
  };
  if (Object.values(files).every((f) => fs.existsSync(f))) {
    return { ...files, storePassword: fs.readFileSync(files.storePasswordFile, 'utf8') };
  }
  const openssl = ensureTool('openssl', 'openssl');
  const keytool = ensureTool('keytool', 'openjdk-17-jre-headless');
  const storePassword = crypto.randomBytes(12).toString('hex');
  fs.writeFileSync(files.storePasswordFile, storePassword, { mode: 0o600 });
  run(
    openssl,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=retention-ledger local test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  signed(openssl, dir, 'broker', 'localhost', 'serverAuth,clientAuth');
  signed(openssl, dir, 'client', 'ledger-client', 'clientAuth');
  run(
    openssl,
    ['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-name', 'broker', '-out', 'broker.p12', '-passout', `pass:${storePassword}`],
    dir,
  );
  fs.rmSync(files.truststore, { force: true });
  run(keytool, ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'truststore.p12', '-storetype', 'PKCS12', '-storepass', storePassword], dir);
  return { ...files, storePassword };
}

module.exports = { ensureTestPki };
