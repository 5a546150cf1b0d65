import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger, type LedgerStore } from '@app/ledger';
import { shredSubject, subjectView, type SubjectName, type SubjectView } from '@app/reports';
import { openSubjectKeyStore, type SubjectKeyStore } from '@app/subject-keys';
import { renderTable } from '../output';

async function withStores<T>(
  run: (ledger: LedgerStore, keys: SubjectKeyStore) => Promise<T>,
  readOnly: boolean,
): Promise<T> {
  const config = loadConfig();
  const ledger = await openLedger(config.ledgerUrl, { readOnly });
  try {
    const keys = await openSubjectKeyStore(config.subjectKeysUrl);
    try {
      return await run(ledger, keys);
    } finally {
      await keys.close();
    }
  } finally {
    await ledger.close();
  }
}

function keyText(view: SubjectView): string {
  const key = view.key;
  if (key.state === 'active') return `active since ${key.createdAt}`;
  if (key.state === 'shredded') return `shredded at ${key.shreddedAt}`;
  return 'unknown to the key store';
}

function printView(view: SubjectView): void {
  const out = process.stdout;
  out.write(`subject ${view.pseudonym} of tenant ${view.tenantId}: key ${keyText(view)}\n`);
  if (view.key.state === 'shredded' && view.shredded === undefined)
    out.write(
      '  (the key is gone but no SubjectShredded fact is recorded: run `subjects shred` again to record it)\n',
    );
  if (view.shredded)
    out.write(
      `  SubjectShredded at position ${view.shredded.streamPosition} (${view.shredded.eventId}), hash ${view.shredded.hash}\n`,
    );
  else if (view.key.state === 'active') out.write('  not shredded\n');
  out.write(`\ndata (${view.data.length}):\n`);
  if (view.data.length > 0)
    out.write(
      renderTable(
        ['data', 'category', 'region/store', 'deleted'],
        view.data.map((d) => [d.dataId, d.category, `${d.region}/${d.store}`, d.deleted ? 'yes' : 'no']),
      ),
    );
  out.write(`\nobligations (${view.obligations.length}):\n`);
  if (view.obligations.length > 0)
    out.write(
      renderTable(
        ['status', 'reason', 'region/store', 'due', 'deadline', 'id'],
        view.obligations.map((o) => [
          o.status,
          o.reason,
          `${o.region}/${o.store}`,
          o.dueAt,
          o.deadline,
          o.obligationId,
        ]),
      ),
    );
  out.write(`\nlegal holds in force: ${view.holdIds.length === 0 ? 'none' : view.holdIds.join(', ')}\n`);
}

function nameOf(opts: { subject?: string; pseudonym?: string }): SubjectName {
  if ((opts.subject === undefined) === (opts.pseudonym === undefined))
    throw new Error('name the subject with exactly one of --subject <id> or --pseudonym <sp_…>');
  return opts.subject !== undefined ? { subjectId: opts.subject } : { pseudonym: opts.pseudonym! };
}

function showCommand(): Command {
  return new Command('show')
    .description(
      'what the system holds about one subject: its pseudonym, key, data, obligations, holds, shred proof',
    )
    .requiredOption('--tenant <tenantId>', 'the tenant')
    .option('--subject <id>', "the subject's id (looked up in the key store, never created)")
    .option('--pseudonym <sp_…>', 'the pseudonym instead (after a shred the id is unknown)')
    .option('--json', 'one JSON object on stdout')
    .action(async (opts: { tenant: string; subject?: string; pseudonym?: string; json?: boolean }) => {
      const view = await withStores(
        (ledger, keys) => subjectView(ledger, keys, opts.tenant, nameOf(opts)),
        true,
      );
      if (opts.json) process.stdout.write(JSON.stringify(view, null, 2) + '\n');
      else printView(view);
    });
}

function shredCommand(): Command {
  return new Command('shred')
    .description(
      "destroy a subject's key and id mapping (crypto-shredding) and record SubjectShredded; " +
        'refused while its obligations are owed or a legal hold covers it',
    )
    .requiredOption('--tenant <tenantId>', 'the tenant')
    .requiredOption('--subject <id>', "the subject's id")
    .requiredOption('--reason <text>', "why (recorded in the ledger; must not contain the subject's id)")
    .option('--actor <who>', 'who does this (recorded in the ledger)', process.env.USER ?? 'operator')
    .option('--force', 'shred although obligations are owed or a hold covers it (recorded as forced)')
    .option('--json', 'the outcome as one JSON object')
    .action(
      async (opts: {
        tenant: string;
        subject: string;
        reason: string;
        actor: string;
        force?: boolean;
        json?: boolean;
      }) => {
        const outcome = await withStores(
          (ledger, keys) =>
            shredSubject(
              ledger,
              keys,
              {
                tenantId: opts.tenant,
                subjectId: opts.subject,
                actor: opts.actor,
                reason: opts.reason,
                force: opts.force === true,
              },
              new Date(),
            ),
          false,
        );
        if (opts.json) {
          process.stdout.write(JSON.stringify(outcome) + '\n');
          return;
        }
        process.stdout.write(
          `subject ${outcome.pseudonym} of tenant ${outcome.tenantId} shredded at ${outcome.shreddedAt}` +
            `${outcome.forced ? ' (forced)' : ''}; ${outcome.eventId} ${outcome.recorded === 'appended' ? 'recorded' : 'was already recorded'}\n`,
        );
      },
    );
}

/** The data-subject view and crypto-shredding (docs/subject-data.md). */
export function subjectsCommand(): Command {
  return new Command('subjects')
    .description("a subject's data, obligations and key; shred it")
    .addCommand(showCommand())
    .addCommand(shredCommand());
}
