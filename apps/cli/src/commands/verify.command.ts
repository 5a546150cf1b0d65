import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger, type VerifyResult } from '@app/ledger';
import { verifyLedger } from '@app/proof';
import { checkingKey, readCheckpointFile } from '../checkpoint-files';
import { EXIT } from '../exit-codes';
import { progressBar } from '../progress';
import { reportBreak } from '../output';

interface VerifyOpts {
  tenant?: string;
  checkpoint?: string;
  publicKey?: string;
  json?: boolean;
}

/**
 * Recomputes every hash chain, checks every row a reader can see and the policy stream;
 * with --checkpoint, that the ledger still extends a checkpoint kept elsewhere. Exit 1
 * names the first broken tenant and position.
 */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('recompute the hash chains; exit 1 naming the first broken tenant/position')
    .option('--tenant <tenantId>', "only this tenant's stream (and the policy stream)")
    .option('--checkpoint <file>', 'fail unless the ledger still extends this checkpoint')
    .option('--public-key <file>', "the checkpoint signer's public key (default: CHECKPOINT_KEY's)")
    .option('--json', 'the result as one JSON object')
    .action(async (opts: VerifyOpts) => {
      const config = loadConfig();
      const checkpoint =
        opts.checkpoint === undefined
          ? undefined
          : { checkpoint: readCheckpointFile(opts.checkpoint), ...checkingKey(config, opts.publicKey) };
      const ledger = await openLedger(config.ledgerUrl, { readOnly: true });
      const bar = progressBar('verify', !opts.json);
      let result: VerifyResult;
      try {
        result = await verifyLedger(ledger, {
          tenantId: opts.tenant,
          checkpoint,
          onProgress: (done, total) => bar.update(done, total),
        });
      } finally {
        bar.stop();
        await ledger.close();
      }
      const extended = checkpoint && {
        createdAt: checkpoint.checkpoint.createdAt,
        treeSize: checkpoint.checkpoint.treeSize,
        ledgerSize: checkpoint.checkpoint.ledgerSize,
        rootHash: checkpoint.checkpoint.rootHash,
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(extended ? { ...result, checkpoint: extended } : result) + '\n');
      } else if (result.ok) {
        const suffix = extended
          ? ` (extends the checkpoint of ${extended.createdAt}: ${extended.ledgerSize} entries in ${extended.treeSize} streams)`
          : '';
        process.stdout.write(`ok: ${result.entries} entries in ${result.streams} streams${suffix}\n`);
      } else {
        reportBreak(result);
      }
      if (!result.ok) process.exitCode = EXIT.verificationFailed;
    });
}
