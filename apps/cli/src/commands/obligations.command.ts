import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { isOverdue, retriesExhausted, tenantObligations } from '@app/reports';
import { renderTable } from '../output';

function describeTarget(t: { kind: string; dataId?: string; categories?: readonly string[] }): string {
  if (t.kind === 'data') return `data ${t.dataId}`;
  return `${t.kind} [${(t.categories ?? []).join(',')}]`;
}

/** The derived schedule of one tenant. */
export function obligationsCommand(): Command {
  return new Command('obligations')
    .description("one tenant's purge obligations (derived from the ledger)")
    .requiredOption('--tenant <tenantId>', 'the tenant')
    .option('--json', 'a JSON array on stdout')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      const config = loadConfig();
      const ledger = await openLedger(config.ledgerUrl);
      try {
        const now = new Date();
        const list = (await tenantObligations(ledger, opts.tenant)).map((o) => ({
          ...o,
          overdue: isOverdue(o, now),
          retriesExhausted: retriesExhausted(o, config.dispatchMaxAttempts),
        }));
        if (opts.json) {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
          return;
        }
        if (list.length === 0) {
          process.stdout.write(`no obligations for tenant ${opts.tenant}\n`);
          return;
        }
        const rows = list.map((o) => [
          o.status + (o.retriesExhausted ? ' (no retry left)' : '') + (o.overdue ? ' (overdue)' : ''),
          o.reason,
          `${o.region}/${o.store}`,
          describeTarget(o.target),
          o.dueAt,
          o.deadline,
          o.policyVersion,
          o.obligationId,
        ]);
        const head = ['status', 'reason', 'region/store', 'target', 'due', 'deadline', 'policy', 'id'];
        process.stdout.write(renderTable(head, rows));
      } finally {
        await ledger.close();
      }
    });
}
