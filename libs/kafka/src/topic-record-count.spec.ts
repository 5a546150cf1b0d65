import { KafkaJSError, KafkaJSProtocolError, type Admin } from 'kafkajs';
import { topicRecordCount } from './topic-admin';

// The broker's answer for a topic whose partitions have no leader yet (code 6), as kafkajs raises it.
const notLeader = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error('This server is not the leader for that topic-partition'), {
      type: 'NOT_LEADER_OR_FOLLOWER',
      code: 6,
      retriable: true,
    }),
  );

function adminAnswering(answers: Array<Error | Array<{ high: string; low: string }>>): Admin {
  return {
    listTopics: async () => ['t'],
    fetchTopicOffsets: async () => {
      const next = answers.shift()!;
      if (next instanceof Error) throw next;
      return next.map((o, partition) => ({ partition, offset: o.high, ...o }));
    },
  } as unknown as Admin;
}

describe('topicRecordCount', () => {
  it('asks again while the broker says it is not the leader yet (a topic just created)', async () => {
    const admin = adminAnswering([
      notLeader(),
      notLeader(),
      [
        { high: '5', low: '1' },
        { high: '2', low: '0' },
      ],
    ]);
    await expect(topicRecordCount(admin, 't')).resolves.toBe(6);
  });

  it('passes a retriable error on once its attempts are spent, and a permanent one at once', async () => {
    await expect(topicRecordCount(adminAnswering([notLeader(), notLeader()]), 't', 2)).rejects.toThrow(
      /not the leader/,
    );
    const permanent = new KafkaJSError('topic authorization failed', { retriable: false });
    await expect(topicRecordCount(adminAnswering([permanent, [{ high: '1', low: '0' }]]), 't')).rejects.toBe(
      permanent,
    );
  });

  it('counts 0 for a topic that does not exist', async () => {
    const admin = { listTopics: async () => [] } as unknown as Admin;
    await expect(topicRecordCount(admin, 't')).resolves.toBe(0);
  });
});
