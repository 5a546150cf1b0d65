import { Command, Option } from 'commander';
import { loadConfig } from '@app/config';
import { LedgerEntry } from '@app/contracts';
import { openLedger } from '@app/ledger';
import { requireKnownTenant } from '@app/reports';
import { progressBar } from '../progress';
import { writeLine } from '../output';

const PAGE = 5000;

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${v}"`);
    return n;
  };
}

/** Ledger entries as NDJSON on stdout: one tenant's stream from a position, or everything after a cursor. */
export function replayCommand(): Command {
  return new Command('replay')
    .description('print ledger entries as NDJSON')
    .option('--tenant <tenantId>', "one tenant's stream")
    .addOption(
      new Option(
        '--from <n>',
        'with --tenant: the first stream position; without: the global position to start from',
      ).argParser(positiveInt('--from')),
    )
    .action(async (opts: { tenant?: string; from?: number }) => {
      const ledger = await openLedger(loadConfig().ledgerUrl, { readOnly: true });
      try {
        if (opts.tenant) {
          await requireKnownTenant(ledger, opts.tenant);
          for await (const e of ledger.readStream(opts.tenant, opts.from ?? 1))
            await writeLine(JSON.stringify(e));
          return;
        }
        const total = (await ledger.counts()).entries;
        const bar = progressBar('replay', true);
        let after = opts.from !== undefined ? String(opts.from - 1) : undefined;
        let done = 0;
        for (;;) {
          const page: { entries: LedgerEntry[]; last: string | undefined } = await ledger.readAll(
            after,
            PAGE,
          );
          for (const e of page.entries) await writeLine(JSON.stringify(e));
          done += page.entries.length;
          bar.update(done, Math.max(total, done));
          if (page.entries.length < PAGE || page.last === undefined) break;
          after = page.last;
        }
        bar.stop();
      } finally {
        await ledger.close();
      }
    });
}
