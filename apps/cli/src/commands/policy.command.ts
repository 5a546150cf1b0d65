import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { checkRfc3339 } from '@app/contracts';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { policyDiff, type PolicyDiff } from '@app/reports';
import { parsePolicy } from '@app/retention';
import { renderTable } from '../output';

function parseTime(v: string): Date {
  const checked = checkRfc3339(v);
  if (!checked.ok) throw new Error(`--from ${checked.problem}, got "${v}"`);
  return new Date(Date.parse(v.toUpperCase()));
}

function render(d: PolicyDiff): string {
  const lines = [
    `candidate ${d.candidate.version} (${d.candidate.contentHash.slice(0, 12)}) in place of ${
      d.current ? `${d.current.version} (${d.current.contentHash.slice(0, 12)})` : 'the built-in default'
    } from ${d.from}, over ${d.tenants} tenants:`,
    `  ${d.counts.added} added, ${d.counts.removed} removed, ${d.counts.moved} moved`,
  ];
  if (d.changes.length > 0) {
    const fromTo = (x?: { from: string; to: string }) => (x ? `${x.from} → ${x.to}` : '');
    const rows = d.changes.map((c) => [
      c.change,
      c.tenantId,
      c.reason,
      `${c.region}/${c.store}`,
      fromTo(c.dueAt),
      fromTo(c.deadline),
      fromTo(c.status),
      c.obligationId,
    ]);
    lines.push(
      '',
      renderTable(
        ['change', 'tenant', 'reason', 'region/store', 'due', 'deadline', 'status', 'id'],
        rows,
      ).trimEnd(),
    );
  }
  lines.push(
    '',
    d.refusals.length === 0
      ? 'activation would be accepted (nothing was activated)'
      : `activation would be REFUSED:\n${d.refusals.map((r) => `  - ${r.path}: ${r.message}`).join('\n')}`,
  );
  return lines.join('\n') + '\n';
}

/** Policy governance: preview what a candidate policy would change, without activating it. */
export function policyCommand(): Command {
  const command = new Command('policy').description('retention policy governance');
  command
    .command('diff')
    .description(
      'what a candidate policy would change (obligations added, removed, due or deadline moved), without activating it; exit 1 if its activation would be refused (a locked category weakened)',
    )
    .argument('<file>', 'the candidate policy (YAML, or JSON by extension)')
    .addOption(
      new Option(
        '--from <time>',
        'put the candidate in force from this time (default: when the current policy was activated)',
      ).argParser(parseTime),
    )
    .option('--json', 'the diff as one JSON object')
    .action(async (file: string, opts: { from?: Date; json?: boolean }) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new Error(`cannot read "${file}": ${(err as Error).message}`);
      }
      const candidate = parsePolicy(
        text,
        path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml',
        file,
      );
      const ledger = await openLedger(loadConfig().ledgerUrl);
      try {
        const diff = await policyDiff(ledger, candidate, { from: opts.from });
        process.stdout.write(opts.json ? JSON.stringify(diff, null, 2) + '\n' : render(diff));
        if (diff.refusals.length > 0) process.exitCode = 1;
      } finally {
        await ledger.close();
      }
    });
  return command;
}
