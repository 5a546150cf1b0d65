import { Admin, Kafka, KafkaJSError } from 'kafkajs';
import type { TopicPolicy, TopicSpec } from './topic-settings';

const READY_TIMEOUT_MS = 30_000;

/** KAFKA_CREATE_TOPICS=false and a topic the system needs does not exist. */
export class MissingTopicsError extends Error {
  override name = 'MissingTopicsError';
  constructor(readonly topics: string[]) {
    super(
      `KAFKA_CREATE_TOPICS=false, and ${topics.length === 1 ? 'this topic does' : 'these topics do'} not exist: ` +
        `${topics.join(', ')}. Create ${topics.length === 1 ? 'it' : 'them'} (docs/kafka.md "Topics"), ` +
        'or set KAFKA_CREATE_TOPICS=true',
    );
  }
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are) and waits
 * until every partition has a leader. With `policy.create` false nothing is created: a
 * missing topic is a MissingTopicsError naming it. kafkajs' own `waitForLeaders` gives up
 * on "does not host this topic-partition", which a freshly started broker under load
 * answers for a moment after creating a topic, so readiness is polled here instead.
 * Plain names get no settings of their own; TopicSpecs (topicSpec, systemTopicSpecs) carry
 * retention and min.insync.replicas.
 */
export async function ensureTopics(
  kafka: Kafka,
  wanted: Array<string | TopicSpec>,
  policy: TopicPolicy = { create: true },
  numPartitions = 3,
): Promise<void> {
  const specs = wanted.map((w) => (typeof w === 'string' ? { topic: w, configEntries: [] } : w));
  const topics = specs.map((s) => s.topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0 && !policy.create) throw new MissingTopicsError(missing.map((s) => s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions,
          replicationFactor: policy.replicationFactor ?? -1,
          configEntries: s.configEntries,
        })),
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

/**
 * Records a topic holds (its partitions' high minus low watermarks); 0 when it does not exist.
 * A topic just created (or a partition whose leader just moved) answers "not the leader"
 * for a moment — a retriable error, met in CI right after a test created its topics — so
 * retriable errors are asked again a few times before they are passed on.
 */
export async function topicRecordCount(admin: Admin, topic: string, attempts = 20): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
    } catch (err) {
      if (!(err instanceof KafkaJSError && err.retriable) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
