import { Command, Option } from 'commander';
import { checkRfc3339, RESOLUTIONS, type Resolution } from '@app/contracts';
import { loadConfig } from '@app/config';
import { openLedger, type LedgerStore } from '@app/ledger';
import {
  durationText,
  obligationFlags,
  requireKnownTenant,
  runOperatorAction,
  tenantObligations,
} from '@app/reports';
import type { OperatorRequest } from '@app/retention';
import { renderTable } from '../output';

function describeTarget(t: { kind: string; dataId?: string; categories?: readonly string[] }): string {
  if (t.kind === 'data') return `data ${t.dataId}`;
  return `${t.kind} [${(t.categories ?? []).join(',')}]`;
}

/** `in 3 d 4 h`, `overdue 2 h`, or `—` once nothing is owed. */
function leftText(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms >= 0 ? `in ${durationText(ms)}` : `overdue ${durationText(-ms)}`;
}

/** `readOnly` for the listing: it never creates a ledger (operator actions append, so they may). */
async function withLedger<T>(run: (ledger: LedgerStore) => Promise<T>, readOnly = false): Promise<T> {
  const ledger = await openLedger(loadConfig().ledgerUrl, { readOnly });
  try {
    return await run(ledger);
  } finally {
    await ledger.close();
  }
}

/** The derived schedule of one tenant, and the operator actions on it. */
export function obligationsCommand(): Command {
  const command = new Command('obligations')
    .description("one tenant's purge obligations (derived from the ledger); retry, resolve, extend them")
    // Options before a subcommand belong to the listing, after it to the subcommand.
    .enablePositionalOptions()
    .option('--tenant <tenantId>', 'the tenant (required)')
    .option('--json', 'a JSON array on stdout')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      if (opts.tenant === undefined) throw new Error("required option '--tenant <tenantId>' not specified");
      const tenant = opts.tenant;
      await withLedger(async (ledger) => {
        // A mistyped tenant is an error (exit 2), not an empty schedule.
        await requireKnownTenant(ledger, tenant);
        const now = new Date();
        const maxAttempts = loadConfig().dispatchMaxAttempts;
        const list = (await tenantObligations(ledger, tenant)).map((o) => ({
          ...o,
          ...obligationFlags(o, now, maxAttempts),
        }));
        if (opts.json) {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
          return;
        }
        if (list.length === 0) {
          process.stdout.write(`no obligations for tenant ${tenant}\n`);
          return;
        }
        const rows = list.map((o) => [
          o.status + (o.retriesExhausted ? ' (no retry left)' : '') + (o.overdue ? ' (overdue)' : ''),
          o.reason,
          `${o.region}/${o.store}`,
          describeTarget(o.target),
          o.dueAt,
          o.originalDeadline ? `${o.deadline} (was ${o.originalDeadline})` : o.deadline,
          leftText(o.timeToDeadlineMs),
          o.policyVersion + (o.jurisdiction ? ` (${o.jurisdiction})` : ''),
          o.obligationId,
        ]);
        const head = [
          'status',
          'reason',
          'region/store',
          'target',
          'due',
          'deadline',
          'left',
          'policy',
          'id',
        ];
        process.stdout.write(renderTable(head, rows));
      }, true);
    });
  command.addCommand(retryCommand()).addCommand(resolveCommand()).addCommand(extendCommand());
  return command;
}

/** Options every operator action takes: whose record it is and why. */
function operatorCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .requiredOption('--tenant <tenantId>', 'the tenant')
    .requiredOption('--actor <who>', 'who does this (recorded in the ledger)')
    .requiredOption('--reason <text>', 'why (recorded in the ledger)')
    .option('--json', 'the outcome as one JSON object');
}

/** What every operator command's options hold. */
interface ActionOptions {
  tenant: string;
  actor: string;
  reason: string;
  json?: boolean;
}

async function act(opts: ActionOptions, request: OperatorRequest): Promise<void> {
  const outcome = await withLedger((ledger) =>
    runOperatorAction(ledger, opts.tenant, request, { actor: opts.actor, reason: opts.reason }, new Date()),
  );
  if (opts.json) {
    process.stdout.write(JSON.stringify(outcome) + '\n');
    return;
  }
  if (outcome.obligationIds.length === 0) {
    process.stdout.write(`nothing to ${request.kind}: no obligation of tenant ${opts.tenant} matched\n`);
    return;
  }
  const verb = { retry: 'retry', resolve: 'resolution', extend: 'extension' }[request.kind];
  for (const [i, id] of outcome.obligationIds.entries())
    process.stdout.write(`${verb} of ${id} recorded as ${outcome.eventIds[i]} (actor ${opts.actor})\n`);
}

function retryCommand(): Command {
  return operatorCommand(
    'retry',
    'another attempt at a failed obligation (--obligation), or at every failed one of the tenant or a store (bulk)',
  )
    .option('--obligation <id>', 'one obligation (default: every failed one)')
    .option('--region <region>', 'bulk: only this region')
    .option('--store <store>', 'bulk: only this store')
    .action(async (opts: ActionOptions & { obligation?: string; region?: string; store?: string }) => {
      if (opts.obligation !== undefined && (opts.region !== undefined || opts.store !== undefined))
        throw new Error('--obligation names one obligation: --region and --store are for a bulk retry');
      await act(opts, {
        kind: 'retry',
        obligationId: opts.obligation,
        region: opts.region,
        store: opts.store,
      });
    });
}

function resolveCommand(): Command {
  return operatorCommand(
    'resolve',
    'close an obligation by hand or waive it (never shown as met by the system)',
  )
    .requiredOption('--obligation <id>', 'the obligation')
    .addOption(
      new Option('--status <status>', 'done-manually or waived').choices(RESOLUTIONS).makeOptionMandatory(),
    )
    .action(async (opts: ActionOptions & { obligation: string; status: Resolution }) =>
      act(opts, { kind: 'resolve', obligationId: opts.obligation, resolution: opts.status }),
    );
}

function extendCommand(): Command {
  return operatorCommand('extend', "move an obligation's deadline later (the original stays on record)")
    .requiredOption('--obligation <id>', 'the obligation')
    .addOption(
      new Option('--until <time>', 'the new deadline (RFC 3339 with an offset)')
        .argParser((v: string) => {
          const checked = checkRfc3339(v);
          if (!checked.ok) throw new Error(`--until ${checked.problem}, got "${v}"`);
          return v;
        })
        .makeOptionMandatory(),
    )
    .action(async (opts: ActionOptions & { obligation: string; until: string }) =>
      act(opts, { kind: 'extend', obligationId: opts.obligation, until: opts.until }),
    );
}
