import { ConfigSource, type Kafka } from 'kafkajs';
import { ensureTopics, type TopicDrift } from './topic-admin';
import { topicSpec } from './topic-settings';

/** An admin on one existing topic whose settings calls fail as a broker with ACLs answers them. */
function brokerWithAcls(refuse: { describe?: boolean; alter?: boolean }): {
  kafka: Kafka;
  altered: unknown[];
} {
  const altered: unknown[] = [];
  const denied = () => Object.assign(new Error('Not authorized'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => ['t'],
    fetchTopicMetadata: async () => ({ topics: [{ name: 't', partitions: [{ leader: 1 }] }] }),
    describeConfigs: async () => {
      if (refuse.describe) throw denied();
      return {
        resources: [
          {
            resourceName: 't',
            configEntries: [
              {
                configName: 'retention.ms',
                configValue: '-1',
                configSource: ConfigSource.TOPIC_CONFIG,
                isSensitive: false,
              },
              {
                configName: 'max.message.bytes',
                configValue: '2000000',
                configSource: ConfigSource.TOPIC_CONFIG,
                isSensitive: false,
              },
              {
                configName: 'segment.ms',
                configValue: '604800000',
                configSource: ConfigSource.DEFAULT_CONFIG,
                isSensitive: false,
              },
            ],
          },
        ],
      };
    },
    alterConfigs: async (req: unknown) => {
      if (refuse.alter) throw denied();
      altered.push(req);
    },
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, altered };
}

describe('ensureTopics on a broker with ACLs', () => {
  const policy = { create: true, retentionMs: { commands: 3_600_000 } };
  const spec = topicSpec('t', 'commands', policy);

  it('without DescribeConfigs: starts, and reports each setting it could not check', async () => {
    const { kafka, altered } = brokerWithAcls({ describe: true });
    const drifts: TopicDrift[] = [];
    await ensureTopics(kafka, [spec], policy, 3, (d) => drifts.push(d));
    expect(altered).toEqual([]);
    expect(drifts.map((d) => [d.config, d.found, d.applied, d.note])).toEqual([
      ['retention.ms', null, false, expect.stringMatching(/DescribeConfigs/)],
      ['segment.ms', null, false, expect.stringMatching(/DescribeConfigs/)],
    ]);
  });

  it('without AlterConfigs: starts, and reports the differences as not applied', async () => {
    const { kafka } = brokerWithAcls({ alter: true });
    const drifts: TopicDrift[] = [];
    await ensureTopics(kafka, [spec], policy, 3, (d) => drifts.push(d));
    expect(drifts.map((d) => [d.config, d.found, d.applied, d.note])).toEqual([
      ['retention.ms', '-1', false, expect.stringMatching(/AlterConfigs/)],
      ['segment.ms', '604800000', false, expect.stringMatching(/AlterConfigs/)],
    ]);
  });

  it("sends the topic's own overrides with the changed ones (AlterConfigs replaces them all)", async () => {
    const { kafka, altered } = brokerWithAcls({});
    await ensureTopics(kafka, [spec], policy);
    expect(altered).toEqual([
      {
        validateOnly: false,
        resources: [
          {
            type: 2,
            name: 't',
            configEntries: [
              { name: 'retention.ms', value: '3600000' },
              { name: 'max.message.bytes', value: '2000000' },
              { name: 'segment.ms', value: '3600000' },
            ],
          },
        ],
      },
    ]);
  });
});
