import { Command } from 'commander';
import { Kafka } from 'kafkajs';
import { loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { createKafka, securityFailure, topicRecordCount } from '@app/kafka';
import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { resolveBrokers } from '../brokers';

export interface Stats {
  ledger: { entries: number; streams: number };
  obligations: Record<string, number>;
  /** Past their deadline and still owed. */
  overdue: number;
  /** Still owed, deadline within the next 7 days. */
  dueWithin7Days: number;
  /** Failed obligations with no attempt left (DISPATCH_MAX_ATTEMPTS): an operator must act. */
  retriesExhausted: number;
  deadLetters: number;
}

/** Records in the dead-letter topic: the sum of its partitions' high minus low watermarks. */
async function countDeadLetters(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await topicRecordCount(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

export function statsCommand(): Command {
  return new Command('stats')
    .description('counts: ledger entries, streams, dead letters, obligations by status')
    .option('--json', 'one JSON object on stdout')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const ledger = await openLedger(config.ledgerUrl, { readOnly: true });
      const readModel = await openReadModel(config.readModelUrl);
      let stats: Stats;
      try {
        const kafka = createKafka({
          brokers: await resolveBrokers(config),
          clientId: config.kafka.clientId,
          security: config.kafka,
        });
        const now = new Date();
        stats = {
          ledger: await ledger.counts(),
          obligations: await readModel.countsByStatus(),
          overdue: await readModel.overdueCount(now),
          dueWithin7Days: await readModel.dueSoonCount(now, 7 * 86_400_000),
          retriesExhausted: await readModel.countRetriesExhausted(config.dispatchMaxAttempts),
          deadLetters: await countDeadLetters(
            kafka,
            new TopicNames(config.topicPrefix, config.regions).deadLetter,
          ).catch((err: unknown) => {
            throw securityFailure(err, config.kafka) ?? err;
          }),
        };
      } finally {
        await readModel.close();
        await ledger.close();
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(stats) + '\n');
        return;
      }
      const lines = [
        `ledger entries  ${stats.ledger.entries}`,
        `ledger streams  ${stats.ledger.streams}`,
        `dead letters    ${stats.deadLetters}`,
        `overdue         ${stats.overdue}`,
        `due within 7 d  ${stats.dueWithin7Days}`,
        `failed, no retry left  ${stats.retriesExhausted}`,
        ...Object.entries(stats.obligations).map(([status, n]) => `obligations ${status.padEnd(10)} ${n}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
