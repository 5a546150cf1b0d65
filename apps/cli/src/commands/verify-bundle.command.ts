import fs from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '@app/config';
import { verifyBundle } from '@app/proof';
import { EXIT } from '../exit-codes';

/** `verify-bundle DIR`: checks an evidence bundle offline; needs no ledger, no key, no network. */
export function verifyBundleCommand(): Command {
  return new Command('verify-bundle')
    .description('check an evidence bundle offline: exit 0, or 1 naming what is wrong')
    .argument('<dir>', 'the bundle directory')
    .option('--json', 'the result as one JSON object')
    .action((dir: string, opts: { json?: boolean }) => {
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
        throw new ConfigError(`${dir} is not a directory`);
      const verdict = verifyBundle(dir);
      if (opts.json) process.stdout.write(JSON.stringify(verdict) + '\n');
      else if (verdict.ok) {
        process.stdout.write(
          `ok: tenant ${verdict.tenantId}, ${verdict.entries} entries, report at position ${verdict.position} ` +
            `(head ${verdict.headHash}), in the checkpoint of ${verdict.checkpoint.createdAt} (root ${verdict.checkpoint.rootHash})\n`,
        );
      } else process.stdout.write(`broken: ${verdict.problem}\n`);
      if (!verdict.ok) process.exitCode = EXIT.verificationFailed;
    });
}
