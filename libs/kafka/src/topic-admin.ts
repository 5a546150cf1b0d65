import { Admin, Kafka } from 'kafkajs';

const READY_TIMEOUT_MS = 30_000;

/**
 * Creates the topics that do not exist yet (existing ones are left as they are) and waits
 * until every partition has a leader. kafkajs' own `waitForLeaders` gives up on
 * "does not host this topic-partition", which a freshly started broker under load
 * answers for a moment after creating a topic, so readiness is polled here instead.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })),
      });
    }
    const until = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics });
        if (
          meta.length === topics.length &&
          meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
        ) {
          return;
        }
      } catch (err) {
        if (Date.now() > until) throw err;
      }
      if (Date.now() > until)
        throw new Error(`topics have no leaders after ${READY_TIMEOUT_MS / 1000} s: ${topics.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Records a topic holds (its partitions' high minus low watermarks); 0 when it does not exist. */
export async function topicRecordCount(admin: Admin, topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
}
