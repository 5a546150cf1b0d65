#!/usr/bin/env node
'use strict';
/**
 * Finds a command-line peer the tests drive (kcat, promtool, docker-compose, …) and, on a
 * fresh Debian machine, installs the Debian package that ships it — CI runs on a clean
 * machine where nothing installed by hand is there.
 *
 *   node deploy/tools/ensure-debian-tool.js kcat kcat        prints the binary's path
 *
 * Installing needs root and apt-get; without them the error says what to install. Jest
 * workers may ask at once, so every install of the project's (this file's and Chromium's,
 * deploy/chromium) runs under one lock directory, and apt-get also waits for dpkg's own
 * lock (another apt user on the machine) instead of failing at once: in CI, kcat's install
 * failed on the dpkg lock while the browser test's Chromium install, unlocked then, held it.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const LOCK = path.join(os.tmpdir(), 'retention-ledger-apt.lock');

function which(binary) {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function canApt() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && which('apt-get') !== null;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(fn) {
  const deadline = Date.now() + 10 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const age = Date.now() - fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 15 * 60 * 1000) fs.rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The path of `binary`, installing Debian's package `pkg` first where it is missing. */
function ensureTool(binary, pkg = binary, { log = (m) => process.stderr.write(`[${binary}] ${m}\n`) } = {}) {
  const found = which(binary);
  if (found) return found;
  if (!canApt()) {
    throw new Error(`${binary} not found: install Debian's "${pkg}" package (apt-get install ${pkg})`);
  }
  const installed = aptInstall(pkg, () => which(binary), log);
  if (!installed) throw new Error(`apt-get installed "${pkg}" but "${binary}" is not on PATH`);
  log(`installed: ${installed}`);
  return installed;
}

/**
 * Installs Debian's `pkg` under the project's install lock, unless `find` (asked again once
 * the lock is held: another worker may have installed it meanwhile) already finds it.
 * Returns what `find` gives after the install.
 */
function aptInstall(pkg, find, log) {
  return withLock(() => {
    const again = find();
    if (again) return again;
    log(`not installed: apt-get install ${pkg} (Debian package)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const stdio = ['ignore', 'ignore', 'inherit'];
    const wait = ['-o', 'DPkg::Lock::Timeout=600'];
    execFileSync('apt-get', [...wait, 'update', '-q'], { env, stdio });
    execFileSync('apt-get', [...wait, 'install', '-y', '-q', pkg], { env, stdio });
    return find();
  });
}

module.exports = { aptInstall, ensureTool, which };

if (require.main === module) {
  const [binary, pkg] = process.argv.slice(2);
  if (!binary) {
    process.stderr.write('usage: ensure-debian-tool.js BINARY [DEBIAN_PACKAGE]\n');
    process.exit(2);
  }
  try {
    process.stdout.write(`${ensureTool(binary, pkg)}\n`);
  } catch (err) {
    process.stderr.write(`[${binary}] ${err.message}\n`);
    process.exit(1);
  }
}
