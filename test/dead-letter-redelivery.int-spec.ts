import { topicRecordCount } from '@app/kafka';
import { lifecycleEvents } from './support/fixtures';
import { consumeAll, produce, waitFor } from './support/kafka';
import { startIngestFixture, type IngestFixture } from './support/ingest-harness';

/*
 * Met in a CI run (test/fuzz-campaign, 10 145 dead letters for 10 000 bad records): the machine
 * stalled the ingest consumer past its session timeout after it had dead-lettered a batch's bad
 * records and before it committed the batch's offset. The group dropped the member, kafkajs
 * rejoined, and the batch came back: its bad records went to the dead-letter topic a second
 * time. Here the stall is made on purpose (after the dead letters are durable, until the
 * coordinator has dropped the member), on a real broker with a 6 s session (the broker's minimum).
 */
describe('a batch redelivered to the same ingest process after its session lapsed', () => {
  let fixture: IngestFixture;
  let stalls = 0;
  const groupId = () => `${fixture.prefix}ingest`;

  /** Until the coordinator has dropped every member of the ingest group (its session lapsed). */
  async function untilDropped(): Promise<void> {
    const admin = fixture.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => (await admin.describeGroups([groupId()])).groups[0]?.members.length ?? 0,
        (members) => members === 0,
        30_000,
        'the coordinator to drop the stalled member',
      );
    } finally {
      await admin.disconnect();
    }
  }

  beforeAll(async () => {
    fixture = await startIngestFixture('dlq-redelivery', {
      regions: ['eu'],
      sessionTimeoutMs: 6_000,
      afterDeadLetter: async () => {
        if (stalls++ === 0) await untilDropped();
      },
    });
  }, 60_000);

  afterAll(() => fixture?.close());

  it('dead-letters each bad record once, appends each valid event once, and commits past them', async () => {
    const { kafka, topics, ledger, ingest } = fixture;
    const valid = lifecycleEvents(3, { tenants: 1, seed: 'dlq-redelivery' });
    const topic = topics.lifecycle(valid[0].topic);
    const messages = [
      { key: 'bad-1', value: '{"not json' },
      ...valid
        .filter((e) => e.topic === valid[0].topic)
        .map((e) => ({ key: e.key, value: JSON.stringify(e.value) })),
      { key: 'bad-2', value: '[]' },
    ];
    await produce(
      kafka,
      topic,
      messages.map((m) => ({ ...m, partition: 0 })),
    );
    const validCount = messages.length - 2;

    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId: groupId(), topics: [topic] });
          return offsets.partitions.find((p) => p.partition === 0)?.offset ?? '-1';
        },
        (offset) => offset === String(messages.length),
        60_000,
        'the ingest group to commit past the batch',
      );
      // Dead letters are durable before the offset commit: the topic holds every one there
      // will be, a repeat included.
      expect(await topicRecordCount(admin, topics.deadLetter)).toBe(2);
    } finally {
      await admin.disconnect();
    }

    expect(stalls).toBeGreaterThanOrEqual(1);
    // The batch did come again: both bad records were rejected a second time, not sent.
    expect(ingest.ingestor.counters.redeliveredRejections).toBe(2);
    const letters = await consumeAll(kafka, topics.deadLetter, 2);
    expect(letters.map((l) => l.key).sort()).toEqual(['bad-1', 'bad-2']);
    expect((await ledger.counts()).entries).toBe(validCount);
    expect(ingest.crashes).toEqual([]);
  }, 90_000);
});
