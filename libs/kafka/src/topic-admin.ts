import { Admin, ConfigResourceTypes, ConfigSource, Kafka } from 'kafkajs';
import { backoffMs, faultKind } from '@app/config/faults';
import { RETENTION_CONFIGS, type TopicPolicy, type TopicSpec } from './topic-settings';

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
 * A retention setting of an existing topic that differs from the configured one.
 * `applied`: ensureTopics changed it (KAFKA_CREATE_TOPICS=true); otherwise it only reports it.
 */
export interface TopicDrift {
  topic: string;
  config: string;
  /** The topic's value before (its own or the broker's default). */
  found: string | null;
  wanted: string;
  applied: boolean;
  /** Why a drift was not applied. */
  note?: string;
}

/** The log message for a drift (the drift itself is the log line's fields). */
export function driftMessage(drift: TopicDrift): string {
  if (drift.applied) return 'system topic setting changed to the configured value';
  return drift.note === undefined
    ? 'system topic setting differs from the configuration; left to the topic owner (KAFKA_CREATE_TOPICS=false, or the ledger)'
    : `system topic setting differs from the configuration and was left: ${drift.note}`;
}

/**
 * Creates the topics that do not exist yet and waits until every partition has a leader.
 * With `policy.create` false nothing is created: a missing topic is a MissingTopicsError
 * naming it. kafkajs' own `waitForLeaders` gives up on "does not host this
 * topic-partition", which a freshly started broker under load answers for a moment after
 * creating a topic, so readiness is polled here instead.
 * Plain names get no settings of their own; TopicSpecs (topicSpec, systemTopicSpecs) carry
 * retention and min.insync.replicas. On a topic that already exists, the retention settings
 * (RETENTION_CONFIGS) are brought to the spec's values when `policy.create` is true (the
 * system owns its topics), and only reported when it is false (the operator does) or
 * `policy.alignExisting` is false; every difference goes to `onDrift`. Other settings of existing topics are left as they are.
 */
export async function ensureTopics(
  kafka: Kafka,
  wanted: Array<string | TopicSpec>,
  policy: TopicPolicy = { create: true },
  numPartitions = 3,
  onDrift: (drift: TopicDrift) => void = () => undefined,
): Promise<void> {
  const specs = wanted.map((w) => (typeof w === 'string' ? { topic: w, configEntries: [] } : w));
  const topics = specs.map((s) => s.topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0 && !policy.create) throw new MissingTopicsError(missing.map((s) => s.topic));
    const present = specs.filter((s) => existing.has(s.topic));
    for (const drift of await alignRetention(admin, present, policy.alignExisting ?? policy.create))
      onDrift(drift);
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

type RetentionWanted = { spec: TopicSpec; entries: TopicSpec['configEntries'] };

/** The specs' retention settings that existing topics lack, changed (`apply`) or only listed. */
async function alignRetention(admin: Admin, present: TopicSpec[], apply: boolean): Promise<TopicDrift[]> {
  const wanted: RetentionWanted[] = present
    .map((spec) => ({ spec, entries: spec.configEntries.filter((e) => RETENTION_CONFIGS.includes(e.name)) }))
    .filter((w) => w.entries.length > 0);
  if (wanted.length === 0) return [];
  let resources: Awaited<ReturnType<Admin['describeConfigs']>>['resources'];
  try {
    ({ resources } = await retryingRetriable(() =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: wanted.map((w) => ({ type: ConfigResourceTypes.TOPIC, name: w.spec.topic })),
      }),
    ));
  } catch (err) {
    // A principal without DescribeConfigs (docs/kafka.md "ACLs") still runs; it is told what it cannot check.
    if (!isAuthorizationError(err)) throw err;
    const note = 'not allowed to DescribeConfigs the topic (ACL); its retention is not checked';
    return wanted.flatMap((w) =>
      w.entries.map((e) => ({
        topic: w.spec.topic,
        config: e.name,
        found: null,
        wanted: e.value,
        applied: false,
        note,
      })),
    );
  }
  const drifts: TopicDrift[] = [];
  for (const w of wanted) {
    const current = resources.find((r) => r.resourceName === w.spec.topic)?.configEntries ?? [];
    const found = (name: string) => current.find((c) => c.configName === name)?.configValue ?? null;
    const differing = w.entries.filter((e) => found(e.name) !== e.value);
    if (differing.length === 0) continue;
    const refusal = apply ? await alterTopicConfig(admin, w.spec.topic, current, differing) : undefined;
    for (const e of differing) {
      drifts.push({
        topic: w.spec.topic,
        config: e.name,
        found: found(e.name),
        wanted: e.value,
        applied: apply && refusal === undefined,
        ...(refusal === undefined ? {} : { note: refusal }),
      });
    }
  }
  return drifts;
}

type CurrentEntry = {
  configName: string;
  configValue: string | null;
  configSource: ConfigSource;
  isSensitive: boolean;
};

/**
 * AlterConfigs (kafkajs has no incremental variant) replaces every override of the topic,
 * so the topic's own overrides are sent along with the changed ones. A sensitive override
 * cannot be read back; the topic is then left alone and the reason returned.
 */
async function alterTopicConfig(
  admin: Admin,
  topic: string,
  current: CurrentEntry[],
  changes: TopicSpec['configEntries'],
): Promise<string | undefined> {
  const own = current.filter((c) => c.configSource === ConfigSource.TOPIC_CONFIG);
  if (own.some((c) => c.isSensitive || c.configValue === null)) {
    return 'the topic has a sensitive setting that cannot be carried over; change it with kafka-configs.sh';
  }
  const merged = new Map(own.map((c) => [c.configName, c.configValue as string]));
  for (const c of changes) merged.set(c.name, c.value);
  try {
    await retryingRetriable(() =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [...merged].map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    );
  } catch (err) {
    if (!isAuthorizationError(err)) throw err;
    return 'not allowed to AlterConfigs the topic (ACL); change it with kafka-configs.sh';
  }
  return undefined;
}

/** kafkajs' TOPIC_/CLUSTER_AUTHORIZATION_FAILED (a KafkaJSProtocolError's `type`). */
function isAuthorizationError(err: unknown): boolean {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type.endsWith('AUTHORIZATION_FAILED');
}

/**
 * Runs an admin call, asking again a few times on a retriable error: a topic just created
 * (or a partition whose leader just moved) answers "not the leader" or "does not host this
 * topic-partition" for a moment, while the broker's metadata image catches up with the
 * controller — met in CI right after a test, or another process, created the topics.
 */
export async function retryingRetriable<T>(op: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      // The project's one transient-or-permanent rule and backoff (about 20 s over 20 attempts).
      if (faultKind(err) !== 'transient' || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, backoffMs(attempt, ADMIN_BACKOFF)));
    }
  }
}

const ADMIN_BACKOFF = { initialMs: 100, maxMs: 1000 };

/** Records a topic holds (its partitions' high minus low watermarks); 0 when it does not exist. */
export async function topicRecordCount(admin: Admin, topic: string, attempts = 20): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  const offsets = await retryingRetriable(() => admin.fetchTopicOffsets(topic), attempts);
  return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
}
