import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigResourceTypes } from 'kafkajs';
import { loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { ensureTopics, systemTopicSpecs } from '@app/kafka';
import { runCli, testEnv } from './support/cli-process';
import { randomPrefix, testKafka } from './support/kafka';

/** Topics as an operator configures them, on the shared test broker (nothing is stopped here). */
describe('system topics', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-topics-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are created with the configured retention per kind; lifecycle topics keep the broker default', async () => {
    const prefix = randomPrefix();
    const names = new TopicNames(prefix, ['eu']);
    const { topics } = loadConfig({
      COMMANDS_RETENTION: 'P7D',
      RECEIPTS_RETENTION: 'P14D',
      DEAD_LETTER_RETENTION: 'forever',
    });
    const kafka = testKafka();
    await ensureTopics(kafka, systemTopicSpecs(names, topics), topics);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          names.commands('eu'),
          names.receipts('eu'),
          names.deadLetter,
          names.lifecycle('user-deleted'),
        ].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
      });
      const retention = Object.fromEntries(
        described.resources.map((r) => [r.resourceName.slice(prefix.length), r.configEntries[0].configValue]),
      );
      expect(retention).toEqual({
        'deletion-commands.eu': String(7 * 86_400_000),
        'deletion-receipts.eu': String(14 * 86_400_000),
        'lifecycle-dead-letter': '-1',
        'user-deleted': String(168 * 3_600_000),
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('KAFKA_CREATE_TOPICS=false: start-up stops with exit 2 naming the missing topic, and creates nothing', async () => {
    const prefix = randomPrefix();
    const names = new TopicNames(prefix, ['eu']);
    const env = testEnv(dir, prefix, { regions: ['eu'], extra: { KAFKA_CREATE_TOPICS: 'false' } });
    // The operator made all but the commands topic.
    await ensureTopics(
      testKafka(),
      names.allTopics().filter((t) => t !== names.commands('eu')),
    );
    const refused = await runCli(['run', '--only', 'dispatcher'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `retention-ledger: KAFKA_CREATE_TOPICS=false, and this topic does not exist: ${names.commands('eu')}. Create it`,
    );
    const admin = testKafka().admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(names.commands('eu'));
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
