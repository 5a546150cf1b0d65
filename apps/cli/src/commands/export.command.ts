import { Command, Option } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { exportBundle, loadOrCreateSigningKey, openCheckpointStore } from '@app/proof';
import { reportBreak } from '../output';
import { parseAsOf } from './audit.command';

/** `export`: an evidence bundle of one tenant, checkable offline (docs/bundle-format.md). */
export function exportCommand(): Command {
  return new Command('export')
    .description('write an evidence bundle of one tenant (entries, report, checkpoint + proof, public key)')
    .requiredOption('--tenant <tenantId>', 'the tenant')
    .addOption(
      new Option('--as-of <time>', 'report as the ledger stood at this time (RFC 3339)').argParser(parseAsOf),
    )
    .requiredOption('--out <dir>', 'the directory to write the bundle to')
    .action(async (opts: { tenant: string; asOf?: Date; out: string }) => {
      const config = loadConfig();
      // The ledger first: a missing one is an error before anything (a key) is created.
      const ledger = await openLedger(config.ledgerUrl, { readOnly: true });
      const key = loadOrCreateSigningKey(config.checkpointKey);
      const store = await openCheckpointStore(config.ledgerUrl);
      try {
        const outcome = await exportBundle(ledger, store, key, {
          tenantId: opts.tenant,
          asOf: opts.asOf,
          now: new Date(),
          outDir: opts.out,
        });
        if (!outcome.ok) {
          reportBreak(outcome, 'no bundle written');
          return;
        }
        const m = outcome.manifest;
        process.stderr.write(
          `bundle of tenant ${m.tenantId} written to ${opts.out}: ${m.streams[0].entries} entries, report at position ${m.report.position}, ` +
            `checkpoint of ${outcome.checkpoint.createdAt}${outcome.madeCheckpoint ? ' (made now)' : ''}\n`,
        );
      } finally {
        await store.close();
        await ledger.close();
      }
    });
}
