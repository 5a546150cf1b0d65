import type { TopicNames } from '@app/contracts';

/** Kinds of system topic whose retention an operator sets (COMMANDS_RETENTION, …). */
export type RetainedTopicKind = 'commands' | 'receipts' | 'deadLetters' | 'checkpoints';

/**
 * How the system's topics are made (AppConfig.topics, restated so libs/kafka depends on
 * no other lib): KAFKA_CREATE_TOPICS, KAFKA_REPLICATION_FACTOR and retention.ms per kind.
 */
export interface TopicPolicy {
  create: boolean;
  /** undefined: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** retention.ms per kind; -1 keeps forever. Lifecycle topics keep the broker's default. */
  retentionMs?: Partial<Record<RetainedTopicKind, number>>;
  /**
   * Whether ensureTopics changes the retention of topics that exist (default: `create`).
   * False for a process that only uses topics another owns (a regional store).
   */
  alignExisting?: boolean;
}

/** One topic and the settings it is created with. */
export interface TopicSpec {
  topic: string;
  configEntries: Array<{ name: string; value: string }>;
}

/** Longest `segment.ms` a retained system topic gets (docs/kafka.md "Topics"). */
export const MAX_SEGMENT_MS = 86_400_000;

/**
 * The settings that bound how long a record stays: the ones ensureTopics also aligns on
 * topics that already exist. Kafka deletes only closed segments, and the active segment of
 * a quiet topic closes after `segment.ms` (7 days by the broker's default), so without it
 * a record could outlive `retention.ms` by a week.
 */
export const RETENTION_CONFIGS: readonly string[] = ['retention.ms', 'segment.ms'];

/**
 * The settings a new topic gets. With 3 or more replicas, `min.insync.replicas` is a
 * majority of them: with acks=all producers, a write is then on a majority before it is
 * acknowledged, so losing one broker loses no acknowledged record.
 */
export function topicSpec(
  topic: string,
  kind: RetainedTopicKind | 'lifecycle',
  policy: TopicPolicy,
): TopicSpec {
  const configEntries: TopicSpec['configEntries'] = [];
  const retention = kind === 'lifecycle' ? undefined : policy.retentionMs?.[kind];
  if (retention !== undefined) configEntries.push({ name: 'retention.ms', value: String(retention) });
  if (retention !== undefined && retention > 0) {
    configEntries.push({ name: 'segment.ms', value: String(Math.min(retention, MAX_SEGMENT_MS)) });
  }
  const rf = policy.replicationFactor;
  if (rf !== undefined && rf >= 3) {
    configEntries.push({ name: 'min.insync.replicas', value: String(Math.floor(rf / 2) + 1) });
  }
  return { topic, configEntries };
}

/** Every topic of `names` (lifecycle, receipts, commands, dead letters) with its settings. */
export function systemTopicSpecs(names: TopicNames, policy: TopicPolicy): TopicSpec[] {
  return [
    ...names.ingestTopics().map((t) => {
      const kind = names.classify(t)?.kind === 'receipts' ? 'receipts' : 'lifecycle';
      return topicSpec(t, kind, policy);
    }),
    ...names.regions.map((r) => topicSpec(names.commands(r), 'commands', policy)),
    topicSpec(names.deadLetter, 'deadLetters', policy),
  ];
}
