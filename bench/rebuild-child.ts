import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { createProjector } from '@app/pipeline';

/**
 * Runs in its own process so its RSS is the rebuild's alone:
 *   node dist/bench/rebuild-child.js <ledger.db | ledger URL> <read-model.db | read model URL>
 * Prints one JSON line: the raw ledger scan rate (baseline), the rebuild rate, RSS.
 */
async function main(): Promise<void> {
  const [ledgerArg, readModelArg] = process.argv.slice(2);
  const url = (arg: string) => (/^(sqlite:|postgres)/.test(arg) ? arg : `sqlite:${arg}`);
  const ledger = await openLedger(url(ledgerArg));
  let scanned = 0;
  const scanStart = performance.now();
  let after: string | undefined;
  for (;;) {
    const page = await ledger.readAll(after, 5000);
    if (page.entries.length === 0) break;
    scanned += page.entries.length;
    after = page.last;
  }
  const scanPerSec = scanned / ((performance.now() - scanStart) / 1000);
  // What the process holds before the rebuild starts (heap the scan grew, SQLite caches).
  const rssAfterScan = process.memoryUsage().rss;

  const readModel = await openReadModel(url(readModelArg));
  const started = performance.now();
  const entries = await createProjector(ledger, readModel, 'rebuild').rebuild();
  const seconds = (performance.now() - started) / 1000;
  const rssEnd = process.memoryUsage().rss;
  const counts = await readModel.countsByStatus();
  await readModel.close();
  await ledger.close();
  process.stdout.write(
    JSON.stringify({
      scanned,
      scanPerSec,
      entries,
      rebuildPerSec: entries / seconds,
      rssAfterScanMb: rssAfterScan / 2 ** 20,
      rssEndMb: rssEnd / 2 ** 20,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      obligations: Object.values(counts).reduce((a, b) => a + b, 0),
    }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
