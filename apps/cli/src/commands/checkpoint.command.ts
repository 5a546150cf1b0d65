import fs from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { loadOrCreateSigningKey, makeCheckpoint, openCheckpointStore } from '@app/proof';
import { reportBreak } from '../output';

/** A signed checkpoint of every stream head, made now (`run` also makes one every CHECKPOINT_INTERVAL). */
export function checkpointCommand(): Command {
  return new Command('checkpoint')
    .description('verify the ledger and sign a checkpoint of every stream head')
    .option('--out <file>', 'write the checkpoint to this file instead of stdout')
    .action(async (opts: { out?: string }) => {
      const config = loadConfig();
      // The ledger first: a missing one is an error before anything (a key) is created.
      const ledger = await openLedger(config.ledgerUrl, { readOnly: true });
      const key = loadOrCreateSigningKey(config.checkpointKey);
      const store = await openCheckpointStore(config.ledgerUrl);
      try {
        const outcome = await makeCheckpoint(ledger, key, new Date(), await store.latest());
        if (!outcome.ok) {
          reportBreak(outcome, 'no checkpoint signed');
          return;
        }
        const { checkpoint } = outcome;
        await store.add(checkpoint);
        const text = JSON.stringify(checkpoint, null, 2) + '\n';
        if (opts.out === undefined) process.stdout.write(text);
        else {
          fs.writeFileSync(opts.out, text);
          process.stderr.write(
            `checkpoint of ${checkpoint.ledgerSize} entries in ${checkpoint.treeSize} streams, root ${checkpoint.rootHash}, written to ${opts.out}\n`,
          );
        }
      } finally {
        await store.close();
        await ledger.close();
      }
    });
}
