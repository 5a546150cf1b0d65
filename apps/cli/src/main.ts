#!/usr/bin/env node
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { runCommand } from './commands/run.command';
import { replayCommand } from './commands/replay.command';
import { verifyCommand } from './commands/verify.command';
import { statsCommand } from './commands/stats.command';
import { obligationsCommand } from './commands/obligations.command';
import { subjectsCommand } from './commands/subjects.command';
import { ledgerCommand } from './commands/ledger.command';
import { auditCommand } from './commands/audit.command';
import { rebuildCommand } from './commands/rebuild.command';
import { keysCommand } from './commands/keys.command';
import { policyCommand } from './commands/policy.command';
import { demoCommand } from './demo/demo.command';
import { checkpointCommand } from './commands/checkpoint.command';
import { exportCommand } from './commands/export.command';
import { verifyBundleCommand } from './commands/verify-bundle.command';
import { exitCodeOfParse, exitOnUsageErrors } from './exit-codes';
import { repoRoot } from '@app/config';

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** `retention-ledger`: the command line of DESIGN.md, and the composition root of the services. */
export function buildProgram(): Command {
  const program = new Command('retention-ledger')
    .description('Retention ledger: data-deletion promises turned into facts that can be proven')
    .version(packageVersion(), '--version', 'print the version')
    .showHelpAfterError()
    // Options after a subcommand are the subcommand's (`obligations --tenant T` vs `obligations retry --tenant T`).
    .enablePositionalOptions();
  for (const cmd of [
    runCommand(),
    replayCommand(),
    verifyCommand(),
    checkpointCommand(),
    exportCommand(),
    verifyBundleCommand(),
    obligationsCommand(),
    subjectsCommand(),
    ledgerCommand(),
    auditCommand(),
    statsCommand(),
    rebuildCommand(),
    keysCommand(),
    policyCommand(),
    demoCommand(),
  ])
    program.addCommand(cmd);
  exitOnUsageErrors(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: Error) => {
      // Commander has printed its own usage errors already.
      if (!(err instanceof CommanderError)) process.stderr.write(`retention-ledger: ${err.message}\n`);
      process.exit(exitCodeOfParse(err));
    });
}
