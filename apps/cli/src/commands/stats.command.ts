import { Command } from 'commander';
import { Kafka } from 'kafkajs';
import { loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { createKafka, topicRecordCount } from '@app/kafka';
import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { resolveBrokers } from '../brokers';

export interface Stats {
  ledger: { entries: number; streams: number };
  obligations: Record<string, number>;
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
      const ledger = await openLedger(config.ledgerUrl);
      const readModel = await openReadModel(config.readModelUrl);
      let stats: Stats;
      try {
        const kafka = createKafka({
          brokers: await resolveBrokers(config),
          clientId: 'retention-ledger-stats',
        });
        stats = {
          ledger: await ledger.counts(),
          obligations: await readModel.countsByStatus(),
          retriesExhausted: await readModel.countRetriesExhausted(config.dispatchMaxAttempts),
          deadLetters: await countDeadLetters(
            kafka,
            new TopicNames(config.topicPrefix, config.regions).deadLetter,
          ),
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
        `failed, no retry left  ${stats.retriesExhausted}`,
        ...Object.entries(stats.obligations).map(([status, n]) => `obligations ${status.padEnd(10)} ${n}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
