import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { boundHeapGrowthForRebuild, createProjector } from '@app/pipeline';

/**
 * Runs in a process of its own, so its RSS is its part's alone:
 *   node dist/bench/rebuild-child.js scan <ledger.db | ledger URL>
 *   node dist/bench/rebuild-child.js rebuild <ledger.db | ledger URL> <read-model.db | read model URL>
 * `scan` prints the raw ledger scan rate (the baseline), `rebuild` the rebuild's rate
 * and RSS, each as one JSON line. Apart, because a scan in the rebuild's process left
 * its heap (≈ 210 MB for 1 M entries) under the rebuild's peak RSS.
 */
const url = (arg: string) => (/^(sqlite:|postgres)/.test(arg) ? arg : `sqlite:${arg}`);
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

async function scan(ledgerArg: string): Promise<object> {
  const ledger = await openLedger(url(ledgerArg));
  let scanned = 0;
  const started = performance.now();
  let after: string | undefined;
  for (;;) {
    const page = await ledger.readAll(after, 5000);
    if (page.entries.length === 0) break;
    scanned += page.entries.length;
    after = page.last;
  }
  const scanPerSec = scanned / ((performance.now() - started) / 1000);
  await ledger.close();
  return { scanned, scanPerSec, scanMaxRssMb: maxRssMb() };
}

async function rebuild(ledgerArg: string, readModelArg: string): Promise<object> {
  // As the CLI's `rebuild` does in its process.
  boundHeapGrowthForRebuild();
  const ledger = await openLedger(url(ledgerArg));
  const readModel = await openReadModel(url(readModelArg));
  const started = performance.now();
  const entries = await createProjector(ledger, readModel, 'rebuild').rebuild();
  const seconds = (performance.now() - started) / 1000;
  const rssEnd = process.memoryUsage().rss;
  const counts = await readModel.countsByStatus();
  await readModel.close();
  await ledger.close();
  return {
    entries,
    rebuildPerSec: entries / seconds,
    rssEndMb: rssEnd / 2 ** 20,
    maxRssMb: maxRssMb(),
    obligations: Object.values(counts).reduce((a, b) => a + b, 0),
  };
}

async function main(): Promise<void> {
  const [mode, ledgerArg, readModelArg] = process.argv.slice(2);
  let figures: object;
  if (mode === 'scan' && ledgerArg) figures = await scan(ledgerArg);
  else if (mode === 'rebuild' && ledgerArg && readModelArg) figures = await rebuild(ledgerArg, readModelArg);
  else throw new Error('usage: rebuild-child.js scan <ledger> | rebuild <ledger> <read model>');
  process.stdout.write(JSON.stringify(figures) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
