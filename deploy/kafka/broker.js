#!/usr/bin/env node
/*
 * The local Apache Kafka (KRaft) for development, tests and the demo, without Docker.
 * The jars come from Maven Central through pom.xml (cached in ~/.m2 and target/lib);
 * storage is formatted on first start; brokers run detached and log to <run dir>/broker.log.
 *
 *   node deploy/kafka/broker.js start [--sasl-ssl] [--cluster N]
 *   node deploy/kafka/broker.js stop|status [--sasl-ssl] [--cluster N]
 *
 *   (default)   one node, PLAINTEXT on 127.0.0.1:KAFKA_PORT (19092), run dir deploy/kafka/run
 *   --sasl-ssl  one node with a SASL_SSL listener (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) on
 *               KAFKA_PORT and a mutual-TLS listener (client certificate required) on
 *               KAFKA_PORT+2; certificates from a throw-away CA (test-pki.js); run dir run-sasl-ssl
 *   --cluster N N combined broker/controller nodes (replication factor N, min.insync.replicas
 *               N-1), node i on KAFKA_PORT+3(i-1); KAFKA_HEAP per node (256m); run dir run-cluster
 *
 * KAFKA_SECURITY=sasl_ssl and KAFKA_NODES=N say the same as the flags; KAFKA_RUN_DIR,
 * KAFKA_PORT and KAFKA_HEAP apply to every mode. Ports a running instance chose (freePorts)
 * are kept in <run dir>/ports.json, so status, stop and a second start find it.
 *
 * Plain JavaScript on purpose: it must run before anything is built.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');

const HERE = __dirname;
const LIB_DIR = path.join(HERE, 'target', 'lib');
/** SASL users of a --sasl-ssl broker made without a list: one, whose password is kept in the run dir. */
const DEFAULT_USER = 'ledger';

function port(env, name, value) {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got "${env[name]}"`);
  }
  return value;
}

/**
 * Where an instance lives and listens. `mode` is 'plaintext' or 'sasl_ssl'; `nodes` 1 or more.
 * Ports of a running instance come from its ports.json (they may be free ports chosen at start).
 */
function settings(env = process.env, opts = {}) {
  const mode = opts.mode ?? (env.KAFKA_SECURITY === 'sasl_ssl' ? 'sasl_ssl' : 'plaintext');
  const count = opts.nodes ?? Number(env.KAFKA_NODES || 1);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`--cluster must be 1 to 9, got ${count}`);
  if (mode === 'sasl_ssl' && count > 1) throw new Error('--sasl-ssl runs one node; --cluster is plaintext');
  const base = port(env, 'KAFKA_PORT', Number(env.KAFKA_PORT || 19092));
  const defaultDir = mode === 'sasl_ssl' ? 'run-sasl-ssl' : count > 1 ? 'run-cluster' : 'run';
  const runDir = path.resolve(env.KAFKA_RUN_DIR || path.join(HERE, defaultDir));
  const nodes = [];
  for (let i = 1; i <= count; i++) {
    const dir = count === 1 ? runDir : path.join(runDir, `node-${i}`);
    const p = base + 3 * (i - 1);
    nodes.push({
      id: i,
      dir,
      port: p,
      controllerPort:
        count === 1
          ? port(env, 'KAFKA_CONTROLLER_PORT', Number(env.KAFKA_CONTROLLER_PORT || p + 1))
          : p + 1,
      sslPort: mode === 'sasl_ssl' ? p + 2 : undefined,
      dataDir: path.join(dir, 'data'),
      logFile: path.join(dir, 'broker.log'),
      pidFile: path.join(dir, 'broker.pid'),
    });
  }
  const s = {
    mode,
    runDir,
    nodes,
    portsFile: path.join(runDir, 'ports.json'),
    pkiDir: path.join(runDir, 'pki'),
    heap: env.KAFKA_HEAP || (count > 1 ? '256m' : '768m'),
  };
  applyPorts(s, readJson(s.portsFile));
  return s;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function applyPorts(s, saved) {
  if (!saved || !Array.isArray(saved.nodes) || saved.nodes.length !== s.nodes.length) return;
  // Saved ports count only while a node of this instance runs; otherwise the settings decide.
  if (!s.nodes.some((n) => readPid(n) !== undefined)) return;
  s.nodes.forEach((n, i) => Object.assign(n, saved.nodes[i]));
}

function bootstrap(s) {
  return s.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
}

function log(quiet, msg) {
  if (!quiet) process.stderr.write(`[kafka] ${msg}\n`);
}

/** Resolves the broker's jars from Maven Central once; later runs find them in target/lib. */
function ensureJars(quiet) {
  const marker = path.join(LIB_DIR, '.complete');
  if (fs.existsSync(marker)) return;
  log(quiet, 'resolving Apache Kafka jars from Maven Central (first run only)…');
  const res = spawnSync(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', 'dependency:copy-dependencies', `-DoutputDirectory=${LIB_DIR}`, '-DincludeScope=runtime'],
    { cwd: HERE, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' },
  );
  if (res.error) throw new Error(`cannot run Maven (mvn): ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`Maven could not resolve the Kafka jars (exit ${res.status}):\n${res.stdout || ''}${res.stderr || ''}`);
  }
  fs.writeFileSync(marker, new Date().toISOString());
}

/** A JAAS value: Kafka's parser takes double-quoted strings with backslash escapes. */
function jaasQuote(text) {
  return `"${String(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function securityProperties(s, node, pki, users) {
  if (s.mode !== 'sasl_ssl') {
    return [
      `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
    ];
  }
  const plainUsers = users.map((u) => `user_${u.username}=${jaasQuote(u.password)}`).join(' ');
  return [
    `listeners=SASL_SSL://127.0.0.1:${node.port},SSL://127.0.0.1:${node.sslPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=SASL_SSL://127.0.0.1:${node.port},SSL://127.0.0.1:${node.sslPort}`,
    'listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT',
    // Brokers talk to each other over mutual TLS with the broker certificate (server and client use).
    'inter.broker.listener.name=SSL',
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${pki.keystore}`,
    `ssl.keystore.password=${pki.storePassword}`,
    `ssl.key.password=${pki.storePassword}`,
    'ssl.truststore.type=PKCS12',
    `ssl.truststore.location=${pki.truststore}`,
    `ssl.truststore.password=${pki.storePassword}`,
    'ssl.endpoint.identification.algorithm=https',
    'listener.name.ssl.ssl.client.auth=required',
    'listener.name.sasl_ssl.ssl.client.auth=none',
    'sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
  ];
}

function serverProperties(s, node, pki, users) {
  const n = s.nodes.length;
  const voters = s.nodes.map((v) => `${v.id}@127.0.0.1:${v.controllerPort}`).join(',');
  const replicated =
    n === 1
      ? [
          // One node: internal topics cannot be replicated.
          'offsets.topic.replication.factor=1',
          'transaction.state.log.replication.factor=1',
          'transaction.state.log.min.isr=1',
          'share.coordinator.state.topic.replication.factor=1',
          'share.coordinator.state.topic.min.isr=1',
        ]
      : [
          `default.replication.factor=${n}`,
          `min.insync.replicas=${n - 1}`,
          `offsets.topic.replication.factor=${n}`,
          `transaction.state.log.replication.factor=${n}`,
          `transaction.state.log.min.isr=${n - 1}`,
          `share.coordinator.state.topic.replication.factor=${n}`,
          `share.coordinator.state.topic.min.isr=${n - 1}`,
          // A killed node is fenced, and its partitions get new leaders, within seconds, not 9 s.
          'broker.session.timeout.ms=3000',
          'broker.heartbeat.interval.ms=500',
          'unclean.leader.election.enable=false',
        ];
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${voters}`,
    ...securityProperties(s, node, pki, users),
    'controller.listener.names=CONTROLLER',
    `log.dirs=${node.dataDir}`,
    'num.partitions=3',
    'offsets.topic.num.partitions=10',
    ...replicated,
    // Tests create and join many groups; don't wait 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created by the system's topic admin, so a typo never creates a topic.
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    'message.max.bytes=2097152',
    '',
  ].join('\n');
}

function log4jConfig(node) {
  return [
    'Configuration:',
    '  Appenders:',
    '    File:',
    '      name: FILE',
    `      fileName: ${JSON.stringify(node.logFile)}`,
    '      PatternLayout:',
    '        pattern: "[%d] %p %m (%c)%n"',
    '  Loggers:',
    '    Root:',
    '      level: INFO',
    '      AppenderRef:',
    '        - ref: FILE',
    '    Logger:',
    '      - name: kafka.request.logger',
    '        level: WARN',
    '      - name: org.apache.kafka.controller',
    '        level: WARN',
    '',
  ].join('\n');
}

function java(args, opts) {
  return spawnSync('java', ['-cp', path.join(LIB_DIR, '*'), ...args], { encoding: 'utf8', ...opts });
}

function newClusterId() {
  // A base64url id may start with '-', which the tool's argument parser takes for an option
  // (Kafka's own random ids avoid that too); `--cluster-id=` keeps it a value either way.
  let id;
  do id = crypto.randomBytes(16).toString('base64url').slice(0, 22);
  while (id.startsWith('-'));
  return id;
}

/** Formats a node's storage once; SCRAM credentials are written into the metadata log here. */
function formatStorage(node, clusterId, users, quiet) {
  if (fs.existsSync(path.join(node.dataDir, 'meta.properties'))) return;
  log(quiet, `formatting KRaft storage in ${node.dataDir}`);
  const scram = users.flatMap((u) =>
    ['SCRAM-SHA-512', 'SCRAM-SHA-256'].map((m) => `--add-scram=${m}=[name=${u.username},password=${u.password}]`),
  );
  const res = java([
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${clusterId}`,
    `--config=${path.join(node.dir, 'server.properties')}`,
    ...scram,
  ]);
  if (res.status !== 0) throw new Error(`formatting Kafka storage failed:\n${res.stdout}${res.stderr}`);
}

/**
 * The end of a node's output and log, for an error about it: the run directory may be a
 * temporary one that is gone by the time anybody reads the message (a test's, CI's).
 */
function lastWords(node, lines = 15) {
  const tail = (file) => {
    try {
      return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const parts = [
    ['output', path.join(node.dir, 'broker.out')],
    ['log', node.logFile],
  ]
    .map(([what, file]) => [what, tail(file)])
    .filter(([, text]) => text.length > 0)
    .map(([what, text]) => `\n--- last lines of the broker's ${what} ---\n${text}`);
  return parts.join('');
}

function readPid(node) {
  try {
    const pid = Number(fs.readFileSync(node.pidFile, 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function canConnect(p) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port: p });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** A port no one listens on now, from the kernel's ephemeral range. */
/** Can `port` be bound on loopback right now? */
function bindable(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The kernel's range for ephemeral (client and port-0) ports; Linux's default elsewhere. */
function ephemeralRange() {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux: fall through
  }
  return [32768, 60999];
}

/**
 * A free port, and the `span - 1` after it free too (a node uses port, port + 1, port + 2),
 * chosen below the kernel's ephemeral range. A port the kernel hands out for `listen(0)` is
 * also one it hands out as the local port of any outgoing connection, so between the pick and
 * the broker's bind another process's client socket could take it — a CI run lost a private
 * broker that way ("Address already in use" for its controller). Below the range only another
 * explicit pick can collide, and each pick is random.
 */
async function freePort(span = 3) {
  const [lo] = ephemeralRange();
  const from = 20000;
  for (let attempt = 0; attempt < 100 && lo - span > from; attempt++) {
    const base = from + Math.floor(Math.random() * (lo - span - from));
    let all = true;
    for (let p = base; p < base + span && all; p++) all = await bindable(p);
    if (all) return base;
  }
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address();
      srv.close(() => resolve(p));
    });
  });
}

function nodePorts(node) {
  return [node.port, node.controllerPort, node.sslPort].filter((p) => p !== undefined);
}

/** Kafka client options for the admin probe (and for callers): how to reach a node of `s`. */
function clientOptions(s, users) {
  if (s.mode !== 'sasl_ssl') return {};
  const pki = readPki(s);
  return {
    ssl: { ca: [fs.readFileSync(pki.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: users[0].username, password: users[0].password },
  };
}

/** The port accepting connections is not enough: wait until every node answers and the cluster is whole. */
async function waitReady(s, deadlineMs, users) {
  const { Kafka, logLevel } = require('kafkajs');
  const until = Date.now() + deadlineMs;
  const security = clientOptions(s, users);
  for (const node of s.nodes) {
    for (;;) {
      if (Date.now() > until) {
        throw new Error(`the Kafka broker did not become ready within ${deadlineMs / 1000}s; see ${node.logFile}${lastWords(node)}`);
      }
      if (readPid(node) === undefined) {
        throw new Error(`the Kafka broker exited during start-up; see ${node.logFile}${lastWords(node)}`);
      }
      if (await canConnect(node.port)) {
        const admin = new Kafka({
          brokers: [`127.0.0.1:${node.port}`],
          logLevel: logLevel.NOTHING,
          retry: { retries: 0 },
          ...security,
        }).admin();
        try {
          await admin.connect();
          const { brokers } = await admin.describeCluster();
          if (brokers.length === s.nodes.length) break;
        } catch {
          // not ready yet
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function readPki(s) {
  return require('./test-pki').ensureTestPki(s.pkiDir);
}

/** SASL users: the caller's, or the run dir's default user (password made once, kept 0600). */
function saslUsers(s, users) {
  if (s.mode !== 'sasl_ssl') return [];
  if (users && users.length > 0) return users;
  const file = path.join(s.pkiDir, `${DEFAULT_USER}-password`);
  fs.mkdirSync(s.pkiDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  return [{ username: DEFAULT_USER, password: fs.readFileSync(file, 'utf8'), passwordFile: file }];
}

function describe(s, users, startedHere, pids) {
  const out = { brokers: bootstrap(s), startedHere, pid: pids[0], pids, runDir: s.runDir, mode: s.mode };
  if (s.mode === 'sasl_ssl') {
    const pki = readPki(s);
    out.security = {
      caFile: pki.caFile,
      clientCertFile: pki.clientCertFile,
      clientKeyFile: pki.clientKeyFile,
      /** The listener that requires a client certificate (mutual TLS, no SASL). */
      mtlsBrokers: s.nodes.map((n) => `127.0.0.1:${n.sslPort}`).join(','),
      users: users.map(({ username, passwordFile }) => ({ username, passwordFile })),
    };
  }
  return out;
}

/**
 * Starts the instance unless it is already running; returns its bootstrap address.
 * `startedHere` tells the caller whether it should stop it again. With `freePorts`, ports
 * that another process holds are replaced by free ones (tests must not fail because a
 * second checkout's broker, or anything else, sits on 19092); without it that is an error.
 * `users` ([{username, password}]) are the SASL users of a new sasl_ssl instance.
 */
async function ensureBroker({
  quiet = false,
  env = process.env,
  timeoutMs = 90_000,
  freePorts = false,
  mode,
  nodes,
  users,
} = {}) {
  const s = settings(env, { mode, nodes });
  fs.mkdirSync(s.runDir, { recursive: true });
  const sasl = saslUsers(s, users);
  const running = s.nodes.map(readPid);
  if (running.every((pid) => pid !== undefined)) {
    await waitReady(s, timeoutMs, sasl);
    log(quiet, `broker already running (pid ${running.join(', ')}) at ${bootstrap(s)}`);
    return describe(s, sasl, false, running);
  }
  if (running.some((pid) => pid !== undefined)) {
    throw new Error(`some nodes of ${s.runDir} are running and some not: stop them first (broker.js stop)`);
  }
  for (const node of s.nodes) {
    for (const key of ['port', 'controllerPort', 'sslPort']) {
      if (node[key] === undefined || !(await canConnect(node[key]))) continue;
      if (!freePorts) {
        throw new Error(`port ${node[key]} is taken by another process; set KAFKA_PORT, or KAFKA_BROKERS to use that broker`);
      }
      const taken = node[key];
      if (key === 'port') {
        // The ports derived from it (port + 1, port + 2) move with it, to a span freePort checked
        // whole: kept beside a taken port they could sit in the ephemeral range, where a CI run
        // lost one to a client socket before the broker bound it.
        const base = await freePort(3);
        if (node.controllerPort === taken + 1) node.controllerPort = base + 1;
        if (node.sslPort === taken + 2) node.sslPort = base + 2;
        node.port = base;
      } else node[key] = await freePort(1);
      log(quiet, `port ${taken} is taken by another process; using free port ${node[key]} instead`);
    }
  }
  ensureJars(quiet);
  const pki = s.mode === 'sasl_ssl' ? readPki(s) : undefined;
  const clusterId = readJson(s.portsFile)?.clusterId ?? newClusterId();
  fs.writeFileSync(
    s.portsFile,
    JSON.stringify({ clusterId, nodes: s.nodes.map((n) => ({ port: n.port, controllerPort: n.controllerPort, sslPort: n.sslPort })) }),
  );
  const pids = [];
  for (const node of s.nodes) {
    fs.mkdirSync(node.dir, { recursive: true });
    fs.writeFileSync(path.join(node.dir, 'server.properties'), serverProperties(s, node, pki, sasl), { mode: 0o600 });
    fs.writeFileSync(path.join(node.dir, 'log4j2.yaml'), log4jConfig(node));
    formatStorage(node, clusterId, sasl, quiet);
    pids.push(startNode(s, node, quiet));
  }
  await waitReady(s, timeoutMs, sasl);
  log(quiet, `ready: KAFKA_BROKERS=${bootstrap(s)}`);
  return describe(s, sasl, true, pids);
}

function startNode(s, node, quiet) {
  log(quiet, `starting Apache Kafka node ${node.id} on 127.0.0.1:${node.port} (log: ${node.logFile})`);
  const out = fs.openSync(path.join(node.dir, 'broker.out'), 'a');
  const child = spawn(
    'java',
    [
      `-Xmx${s.heap}`,
      `-Xms${s.heap}`,
      '-XX:+UseG1GC',
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j2.configurationFile=${path.join(node.dir, 'log4j2.yaml')}`,
      `-Dkafka.logs.dir=${node.dir}`,
      '-cp',
      path.join(LIB_DIR, '*'),
      'kafka.Kafka',
      path.join(node.dir, 'server.properties'),
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  fs.writeFileSync(node.pidFile, String(child.pid));
  return child.pid;
}

async function stopNode(node, quiet, timeoutMs) {
  const pid = readPid(node);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      fs.rmSync(node.pidFile, { force: true });
      log(quiet, `stopped node ${node.id} (pid ${pid})`);
      return true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(pid, 'SIGKILL');
  fs.rmSync(node.pidFile, { force: true });
  log(quiet, `killed node ${node.id} (pid ${pid}) after ${timeoutMs / 1000}s`);
  return true;
}

/** Stops every node of the instance (the last ones first: a cluster keeps its quorum longest). */
async function stopBroker({ quiet = false, env = process.env, timeoutMs = 30_000, mode, nodes } = {}) {
  const s = settings(env, { mode, nodes });
  let any = false;
  for (const node of [...s.nodes].reverse()) any = (await stopNode(node, quiet, timeoutMs)) || any;
  if (!any) log(quiet, 'no broker running');
}

module.exports = { ensureBroker, stopBroker, settings, freePort };

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sasl-ssl') opts.mode = 'sasl_ssl';
    else if (argv[i] === '--cluster') opts.nodes = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return opts;
}

function printConnection(info) {
  process.stdout.write(`${info.brokers}\n`);
  if (!info.security) return;
  const { security } = info;
  const user = security.users[0];
  process.stderr.write(
    [
      '[kafka] connect with (SASL/SCRAM over TLS):',
      `  KAFKA_BROKERS=${info.brokers} KAFKA_SSL=true KAFKA_SSL_CA_FILE=${security.caFile}`,
      `  KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=${user.username} KAFKA_SASL_PASSWORD_FILE=${user.passwordFile}`,
      '[kafka] or with mutual TLS:',
      `  KAFKA_BROKERS=${security.mtlsBrokers} KAFKA_SSL=true KAFKA_SSL_CA_FILE=${security.caFile}`,
      `  KAFKA_SSL_CERT_FILE=${security.clientCertFile} KAFKA_SSL_KEY_FILE=${security.clientKeyFile}`,
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  const [cmd, ...rest] = process.argv.slice(2);
  const run = {
    start: async (opts) => printConnection(await ensureBroker(opts)),
    stop: (opts) => stopBroker(opts),
    status: async (opts) => {
      const s = settings(process.env, opts);
      const pids = s.nodes.map(readPid);
      const up = pids.filter((p) => p !== undefined);
      process.stdout.write(up.length > 0 ? `running (pid ${up.join(', ')}) at ${bootstrap(s)}\n` : 'stopped\n');
      if (up.length === 0) process.exitCode = 3;
    },
  }[cmd];
  if (!run) {
    process.stderr.write('usage: node deploy/kafka/broker.js start|stop|status [--sasl-ssl] [--cluster N]\n');
    process.exit(2);
  }
  Promise.resolve()
    .then(() => run(parseArgs(rest)))
    .catch((err) => {
      process.stderr.write(`[kafka] ${err.message}\n`);
      process.exit(1);
    });
}
