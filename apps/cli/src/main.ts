#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { runCommand } from './commands/run.command';
import { replayCommand } from './commands/replay.command';
import { verifyCommand } from './commands/verify.command';
import { statsCommand } from './commands/stats.command';
import { obligationsCommand } from './commands/obligations.command';
import { auditCommand } from './commands/audit.command';
import { rebuildCommand } from './commands/rebuild.command';
import { keysCommand } from './commands/keys.command';
import { policyCommand } from './commands/policy.command';
import { demoCommand } from './demo/demo.command';

/** `retention-ledger`: the command line of DESIGN.md, and the composition root of the services. */
export function buildProgram(): Command {
  const program = new Command('retention-ledger')
    .description('Retention ledger: data-deletion promises turned into facts that can be proven')
    .showHelpAfterError()
    // Options after a subcommand are the subcommand's (`obligations --tenant T` vs `obligations retry --tenant T`).
    .enablePositionalOptions();
  for (const cmd of [
    runCommand(),
    replayCommand(),
    verifyCommand(),
    obligationsCommand(),
    auditCommand(),
    statsCommand(),
    rebuildCommand(),
    keysCommand(),
    policyCommand(),
    demoCommand(),
  ])
    program.addCommand(cmd);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: Error) => {
      process.stderr.write(`retention-ledger: ${err.message}\n`);
      process.exit(2);
    });
}
