import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { progressBar } from '../progress';

/** Recomputes every hash chain; exit 1 names the first broken tenant and position. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('recompute the hash chains; exit 1 naming the first broken tenant/position')
    .option('--tenant <tenantId>', "only this tenant's stream")
    .action(async (opts: { tenant?: string }) => {
      const ledger = await openLedger(loadConfig().ledgerUrl);
      const bar = progressBar('verify', true);
      try {
        const result = await ledger.verify({
          tenantId: opts.tenant,
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.stop();
        if (result.ok) {
          process.stdout.write(`ok: ${result.entries} entries in ${result.streams} streams\n`);
        } else {
          process.stdout.write(
            `broken: tenant ${result.tenantId} position ${result.position}: ${result.reason}\n`,
          );
          process.exitCode = 1;
        }
      } finally {
        bar.stop();
        await ledger.close();
      }
    });
}
