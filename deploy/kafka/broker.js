#!/usr/bin/env node
/*
 * A single-node Apache Kafka broker (KRaft) for development, tests and the demo, without Docker.
 * The jars come from Maven Central through pom.xml (cached in ~/.m2 and target/lib);
 * storage is formatted on first start; the broker runs detached and logs to run/broker.log.
 *
 *   node deploy/kafka/broker.js start|stop|status
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

function settings(env = process.env) {
  const port = Number(env.KAFKA_PORT || 19092);
  const controllerPort = Number(env.KAFKA_CONTROLLER_PORT || port + 1);
  for (const [name, value] of [
    ['KAFKA_PORT', port],
    ['KAFKA_CONTROLLER_PORT', controllerPort],
  ]) {
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new Error(`${name} must be a TCP port (1-65535), got "${env[name]}"`);
    }
  }
  const runDir = path.resolve(env.KAFKA_RUN_DIR || path.join(HERE, 'run'));
  return {
    port,
    controllerPort,
    runDir,
    dataDir: path.join(runDir, 'data'),
    logFile: path.join(runDir, 'broker.log'),
    pidFile: path.join(runDir, 'broker.pid'),
    bootstrap: `127.0.0.1:${port}`,
    heap: env.KAFKA_HEAP || '768m',
  };
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

function serverProperties(s) {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${s.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${s.port},CONTROLLER://127.0.0.1:${s.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${s.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${s.dataDir}`,
    'num.partitions=3',
    // One node: internal topics cannot be replicated; few offset partitions load faster.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests create and join many groups; don't wait 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created by the system's topic admin, so a typo never creates a topic.
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    'message.max.bytes=2097152',
    '',
  ].join('\n');
}

function log4jConfig(s) {
  return [
    'Configuration:',
    '  Appenders:',
    '    File:',
    '      name: FILE',
    `      fileName: ${JSON.stringify(s.logFile)}`,
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

function formatStorage(s, quiet) {
  if (fs.existsSync(path.join(s.dataDir, 'meta.properties'))) return;
  log(quiet, `formatting KRaft storage in ${s.dataDir}`);
  // A base64url id may start with '-', which the tool's argument parser takes for an option
  // (Kafka's own random ids avoid that too); `--cluster-id=` keeps it a value either way.
  let clusterId;
  do clusterId = crypto.randomBytes(16).toString('base64url').slice(0, 22);
  while (clusterId.startsWith('-'));
  const res = java([
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${clusterId}`,
    `--config=${path.join(s.runDir, 'server.properties')}`,
  ]);
  if (res.status !== 0) throw new Error(`formatting Kafka storage failed:\n${res.stdout}${res.stderr}`);
}

function readPid(s) {
  try {
    const pid = Number(fs.readFileSync(s.pidFile, 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** The port accepting connections is not enough: wait until the broker answers metadata requests. */
async function waitReady(s, deadlineMs, pid) {
  const { Kafka, logLevel } = require('kafkajs');
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (pid !== undefined) {
      try {
        process.kill(pid, 0);
      } catch {
        throw new Error(`the Kafka broker exited during start-up; see ${s.logFile}`);
      }
    }
    if (await canConnect(s.port)) {
      const admin = new Kafka({ brokers: [s.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
        return;
      } catch {
        // not ready yet
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Kafka broker did not become ready within ${deadlineMs / 1000}s; see ${s.logFile}`);
}

/**
 * Starts the broker unless one of ours is already running; returns its bootstrap address.
 * `startedHere` tells the caller whether it should stop it again.
 */
async function ensureBroker({ quiet = false, env = process.env, timeoutMs = 90_000 } = {}) {
  const s = settings(env);
  fs.mkdirSync(s.runDir, { recursive: true });
  const running = readPid(s);
  if (running !== undefined) {
    await waitReady(s, timeoutMs, running);
    log(quiet, `broker already running (pid ${running}) at ${s.bootstrap}`);
    return { brokers: s.bootstrap, startedHere: false, pid: running };
  }
  if (await canConnect(s.port)) {
    throw new Error(`port ${s.port} is taken by another process; set KAFKA_PORT, or KAFKA_BROKERS to use that broker`);
  }
  ensureJars(quiet);
  fs.writeFileSync(path.join(s.runDir, 'server.properties'), serverProperties(s));
  fs.writeFileSync(path.join(s.runDir, 'log4j2.yaml'), log4jConfig(s));
  formatStorage(s, quiet);
  log(quiet, `starting Apache Kafka on ${s.bootstrap} (log: ${s.logFile})`);
  const out = fs.openSync(path.join(s.runDir, 'broker.out'), 'a');
  const child = spawn(
    'java',
    [
      `-Xmx${s.heap}`,
      `-Xms${s.heap}`,
      '-XX:+UseG1GC',
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j2.configurationFile=${path.join(s.runDir, 'log4j2.yaml')}`,
      `-Dkafka.logs.dir=${s.runDir}`,
      '-cp',
      path.join(LIB_DIR, '*'),
      'kafka.Kafka',
      path.join(s.runDir, 'server.properties'),
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  fs.writeFileSync(s.pidFile, String(child.pid));
  await waitReady(s, timeoutMs, child.pid);
  log(quiet, `ready: KAFKA_BROKERS=${s.bootstrap}`);
  return { brokers: s.bootstrap, startedHere: true, pid: child.pid };
}

async function stopBroker({ quiet = false, env = process.env, timeoutMs = 30_000 } = {}) {
  const s = settings(env);
  const pid = readPid(s);
  if (pid === undefined) {
    log(quiet, 'no broker running');
    return;
  }
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      fs.rmSync(s.pidFile, { force: true });
      log(quiet, `stopped (pid ${pid})`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(pid, 'SIGKILL');
  fs.rmSync(s.pidFile, { force: true });
  log(quiet, `killed (pid ${pid}) after ${timeoutMs / 1000}s`);
}

module.exports = { ensureBroker, stopBroker, settings };

if (require.main === module) {
  const cmd = process.argv[2];
  const run = {
    start: async () => {
      const { brokers } = await ensureBroker();
      process.stdout.write(`${brokers}\n`);
    },
    stop: () => stopBroker(),
    status: async () => {
      const s = settings();
      const pid = readPid(s);
      process.stdout.write(pid ? `running (pid ${pid}) at ${s.bootstrap}\n` : 'stopped\n');
      if (!pid) process.exitCode = 3;
    },
  }[cmd];
  if (!run) {
    process.stderr.write('usage: node deploy/kafka/broker.js start|stop|status\n');
    process.exit(2);
  }
  run().catch((err) => {
    process.stderr.write(`[kafka] ${err.message}\n`);
    process.exit(1);
  });
}
