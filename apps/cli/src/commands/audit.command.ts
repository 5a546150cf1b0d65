import fs from 'node:fs';
import { Command, Option } from 'commander';
import { checkRfc3339 } from '@app/contracts';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { renderHtml, renderMarkdown, requireKnownTenant, tenantAuditReport } from '@app/reports';

const FORMATS = ['json', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

export function parseAsOf(v: string): Date {
  const checked = checkRfc3339(v);
  if (!checked.ok) throw new Error(`--as-of ${checked.problem}, got "${v}"`);
  const at = new Date(Date.parse(v.toUpperCase()));
  if (at.getTime() > Date.now()) throw new Error(`--as-of must not be in the future, got "${v}"`);
  return at;
}

/** The compliance report; `--as-of` reports as the ledger stood then. */
export function auditCommand(): Command {
  return new Command('audit')
    .description('the compliance report of one tenant')
    .requiredOption('--tenant <tenantId>', 'the tenant')
    .addOption(
      new Option('--as-of <time>', 'report as the ledger stood at this time (RFC 3339)').argParser(parseAsOf),
    )
    .addOption(
      new Option('--format <format>', 'json, md, or html (one self-contained page)')
        .choices(FORMATS)
        .default('md'),
    )
    .option('--out <file>', 'write the report to this file instead of stdout')
    .action(async (opts: { tenant: string; asOf?: Date; format: Format; out?: string }) => {
      const config = loadConfig();
      const ledger = await openLedger(config.ledgerUrl, { readOnly: true });
      try {
        await requireKnownTenant(ledger, opts.tenant); // a mistyped tenant: exit 2, not an empty report
        const now = new Date();
        const report = await tenantAuditReport(ledger, opts.tenant, {
          asOf: opts.asOf,
          now,
          maxAttempts: config.dispatchMaxAttempts,
        });
        const text =
          opts.format === 'json'
            ? JSON.stringify(report, null, 2) + '\n'
            : opts.format === 'html'
              ? renderHtml(report, { generatedAt: now })
              : renderMarkdown(report);
        if (opts.out) {
          fs.writeFileSync(opts.out, text);
          process.stderr.write(`audit report of tenant ${opts.tenant} written to ${opts.out}\n`);
        } else {
          process.stdout.write(text);
        }
      } finally {
        await ledger.close();
      }
    });
}
