#!/usr/bin/env node
'use strict';
/**
 * Finds the headless Chromium the HTML-report browser test drives, and on a fresh Debian
 * machine installs Debian's `chromium` package (the only browser these machines can fetch:
 * Playwright's and Puppeteer's downloads come from hosts the network does not reach).
 *
 *   node deploy/chromium/ensure-chromium.js    prints the binary's path, installing it if needed
 *
 * CHROMIUM_PATH overrides the search. Installing needs root and apt-get; without them the
 * error says what to do instead of failing later inside the browser launch.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { aptInstall } = require('../tools/ensure-debian-tool');

const KNOWN = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (!fs.existsSync(process.env.CHROMIUM_PATH)) {
      throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
    }
    return process.env.CHROMIUM_PATH;
  }
  return KNOWN.find((p) => fs.existsSync(p)) ?? null;
}

function canApt() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  try {
    execFileSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ensureChromium({ log = (m) => process.stderr.write(`[chromium] ${m}\n`) } = {}) {
  const found = findChromium();
  if (found) return found;
  if (!canApt()) {
    throw new Error(
      'headless Chromium not found: install Debian\'s "chromium" package (apt-get install chromium) ' +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary',
    );
  }
  // The project's one install lock: another worker may be installing kcat or promtool.
  const installed = aptInstall('chromium', findChromium, (m) => log(`${m} (about a minute)`));
  if (!installed) throw new Error('apt-get installed "chromium" but no binary is at ' + KNOWN.join(' or '));
  log(`installed: ${installed}`);
  return installed;
}

module.exports = { ensureChromium, findChromium };

if (require.main === module) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (err) {
    process.stderr.write(`[chromium] ${err.message}\n`);
    process.exit(1);
  }
}
