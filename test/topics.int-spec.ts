import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigResourceTypes } from 'kafkajs';
import { loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { ensureTopics, retryingRetriable, systemTopicSpecs, type TopicDrift } from '@app/kafka';
import { runCli, testEnv } from './support/cli-process';
import { randomPrefix, testKafka, waitFor } from './support/kafka';

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
      const described = await retryingRetriable(() =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            names.commands('eu'),
            names.receipts('eu'),
            names.deadLetter,
            names.lifecycle('user-deleted'),
          ].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
        }),
      );
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

  /** retention.ms, segment.ms and max.message.bytes of one topic, as the broker reports them. */
  async function settingsOf(topic: string): Promise<Record<string, string | null>> {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      // Right after a create the broker may not host the topic yet: a retriable error, asked again.
      const { resources } = await retryingRetriable(() =>
        admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: topic,
              configNames: ['retention.ms', 'segment.ms', 'max.message.bytes'],
            },
          ],
        }),
      );
      return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    } finally {
      await admin.disconnect();
    }
  }

  /** A commands topic as an older version made it: no retention of its own, one other override. */
  async function legacyCommandsTopic(names: TopicNames): Promise<void> {
    await ensureTopics(
      testKafka(),
      [
        {
          topic: names.commands('eu'),
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
      { create: true },
      1,
    );
    // KRaft: the broker answers from its metadata image, which may lag the controller's commit.
    await waitFor(
      () => settingsOf(names.commands('eu')),
      (c) => c['retention.ms'] === '-1',
      30_000,
      'the legacy topic',
    );
  }

  it('an existing system topic with another retention is brought to the configured one, its other settings kept', async () => {
    const names = new TopicNames(randomPrefix(), ['eu']);
    await legacyCommandsTopic(names);
    const { topics } = loadConfig({ COMMANDS_RETENTION: 'P7D' });
    const drifts: TopicDrift[] = [];
    await ensureTopics(testKafka(), systemTopicSpecs(names, topics), topics, 3, (d) => drifts.push(d));
    const aligned = await waitFor(
      () => settingsOf(names.commands('eu')),
      (c) => c['retention.ms'] !== '-1',
      30_000,
      'the altered retention',
    );
    expect(aligned).toEqual({
      'retention.ms': String(7 * 86_400_000),
      'segment.ms': '86400000',
      'max.message.bytes': '2000000',
    });
    expect(drifts).toEqual([
      {
        topic: names.commands('eu'),
        config: 'retention.ms',
        found: '-1',
        wanted: '604800000',
        applied: true,
      },
      {
        topic: names.commands('eu'),
        config: 'segment.ms',
        found: '604800000',
        wanted: '86400000',
        applied: true,
      },
    ]);
    // Once aligned there is nothing more to say.
    const again: TopicDrift[] = [];
    await ensureTopics(testKafka(), systemTopicSpecs(names, topics), topics, 3, (d) => again.push(d));
    expect(again).toEqual([]);
  });

  it('KAFKA_CREATE_TOPICS=false: an existing topic with another retention is reported, not changed', async () => {
    const names = new TopicNames(randomPrefix(), ['eu']);
    await legacyCommandsTopic(names);
    await ensureTopics(
      testKafka(),
      names.allTopics().filter((t) => t !== names.commands('eu')),
    );
    const { topics } = loadConfig({ KAFKA_CREATE_TOPICS: 'false' });
    const drifts: TopicDrift[] = [];
    await ensureTopics(testKafka(), systemTopicSpecs(names, topics), topics, 3, (d) => drifts.push(d));
    expect(await settingsOf(names.commands('eu'))).toMatchObject({ 'retention.ms': '-1' });
    expect(drifts).toContainEqual({
      topic: names.commands('eu'),
      config: 'retention.ms',
      found: '-1',
      wanted: String(28 * 86_400_000),
      applied: false,
    });
  });

  it("a regional store's start (alignExisting false) reports the ledger's topic, and changes nothing", async () => {
    const names = new TopicNames(randomPrefix(), ['eu']);
    await legacyCommandsTopic(names);
    const { topics } = loadConfig({});
    const drifts: TopicDrift[] = [];
    await ensureTopics(
      testKafka(),
      systemTopicSpecs(names, topics).filter((s) => s.topic === names.commands('eu')),
      { ...topics, alignExisting: false },
      3,
      (d) => drifts.push(d),
    );
    expect(await settingsOf(names.commands('eu'))).toMatchObject({ 'retention.ms': '-1' });
    expect(drifts.map((d) => [d.config, d.applied])).toEqual([
      ['retention.ms', false],
      ['segment.ms', false],
    ]);
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
