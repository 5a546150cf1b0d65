import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { storedSubjectsOf, subjectSealer } from '@app/pipeline';
import { migrateLedger, MigrationRefusal } from '@app/reports';
import { openSubjectKeyStore } from '@app/subject-keys';
import { VerificationFailedError } from '../exit-codes';
import { progressBar } from '../progress';

interface MigrateOptions {
  from?: string;
  to: string;
  actor: string;
  reason: string;
  json?: boolean;
}

async function migrate(opts: MigrateOptions): Promise<void> {
  const config = loadConfig();
  const source = await openLedger(opts.from ?? config.ledgerUrl, { readOnly: true });
  const target = await openLedger(opts.to);
  const keys = await openSubjectKeyStore(config.subjectKeysUrl);
  const bar = progressBar('migrate', !opts.json);
  try {
    const outcome = await migrateLedger(source, target, {
      seal: subjectSealer(keys, storedSubjectsOf(target)),
      keys,
      who: { actor: opts.actor, reason: opts.reason },
      now: new Date(),
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.stop();
    if (opts.json) process.stdout.write(JSON.stringify(outcome) + '\n');
    else
      process.stdout.write(
        `migrated ${outcome.entries} entries in ${outcome.streams} streams, ${outcome.sealedSubjectParts} subject parts sealed; ` +
          `the target verifies and derives the same ${outcome.obligations} obligations.\n` +
          'The source still holds subject ids in plaintext: point LEDGER_URL at the target, then destroy the source and its backups.\n',
      );
  } catch (error) {
    bar.stop();
    // A target that does not verify or derives otherwise is a failed check (exit 1), like verify's.
    if (error instanceof MigrationRefusal && error.failedCheck)
      throw new VerificationFailedError(error.message);
    throw error;
  } finally {
    await keys.close();
    await target.close();
    await source.close();
  }
}

/** Ledger maintenance: `ledger migrate` (docs/subject-data.md "Migrating a ledger that began plain"). */
export function ledgerCommand(): Command {
  return new Command('ledger').description('ledger maintenance').addCommand(
    new Command('migrate')
      .description(
        'copy a ledger whose subject parts are plain into an empty one where they are sealed; ' +
          'verifies both and refuses unless they derive the same obligations',
      )
      .requiredOption('--to <url>', 'the new, empty ledger (LEDGER_URL form)')
      .option('--from <url>', 'the ledger to migrate (default LEDGER_URL)')
      .requiredOption('--reason <text>', 'why (recorded in each stream)')
      .option('--actor <who>', 'who (recorded in each stream)', process.env.USER ?? 'operator')
      .option('--json', 'the outcome as one JSON object')
      .action((opts: MigrateOptions) => migrate(opts)),
  );
}
