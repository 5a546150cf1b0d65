'use strict';
/*
 * Preloaded (NODE_OPTIONS=--require) into every process of a test run on another Node
 * major: better-sqlite3's addon is built for one V8 ABI, so its load is pointed at the
 * build for this Node (RL_BETTER_SQLITE3_BINARY, made by run.js). Jest workers and the
 * CLI processes tests spawn inherit NODE_OPTIONS, so all of them load the right build.
 */
const path = require('node:path');

const target = process.env.RL_BETTER_SQLITE3_BINARY;
if (target) {
  const dlopen = process.dlopen;
  const ours = `${path.sep}better-sqlite3${path.sep}build${path.sep}Release${path.sep}better_sqlite3.node`;
  process.dlopen = function (module, filename, ...rest) {
    return dlopen.call(this, module, String(filename).endsWith(ours) ? target : filename, ...rest);
  };
}
