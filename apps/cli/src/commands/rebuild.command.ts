import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { boundHeapGrowthForRebuild, exclusiveRebuild } from '@app/pipeline';
import { progressBar } from '../progress';

/**
 * Replays the whole ledger into a new obligations read model and swaps it in at once,
 * under the projector lock; readers keep the previous one until then.
 */
export function rebuildCommand(): Command {
  return new Command('rebuild')
    .description(
      'replay the ledger into a new obligations read model and swap it in at once (stop the projector first)',
    )
    .action(async () => {
      // This process is the rebuild's: a smaller heap between collections, for a lower peak RSS.
      boundHeapGrowthForRebuild();
      const config = loadConfig();
      const ledger = await openLedger(config.ledgerUrl);
      const readModel = await openReadModel(config.readModelUrl);
      const bar = progressBar('rebuild', true);
      try {
        const total = (await ledger.counts()).entries;
        const started = Date.now();
        // Under the projector lock: refused while a projector or rebuild elsewhere holds the read model.
        const n = await exclusiveRebuild(ledger, readModel, config.readModelUrl, (done) =>
          bar.update(done, Math.max(done, total)),
        );
        bar.stop();
        const counts = await readModel.countsByStatus();
        process.stdout.write(
          `rebuilt from ${n} entries in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}\n`,
        );
      } finally {
        bar.stop();
        await readModel.close();
        await ledger.close();
      }
    });
}
