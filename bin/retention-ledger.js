#!/usr/bin/env node
// The installed command runs the compiled CLI (npm run build).
require('../dist/apps/cli/src/main.js').buildProgram().parseAsync(process.argv).catch((err) => {
  process.stderr.write(`retention-ledger: ${err.message}\n`);
  process.exit(2);
});
