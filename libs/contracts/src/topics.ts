/** Topic names of public contract v1 (DESIGN.md), with the optional configured prefix. */
export const LIFECYCLE_TOPICS = [
  'data-created',
  'data-deleted',
  'user-deleted',
  'subscription-ended',
  'subscription-reactivated',
  'legal-hold',
  'data-restored',
  'user-restored',
] as const;
export type LifecycleTopic = (typeof LIFECYCLE_TOPICS)[number];

export const DEAD_LETTER_TOPIC = 'lifecycle-dead-letter';
export const RECEIPTS_TOPIC_BASE = 'deletion-receipts';
export const COMMANDS_TOPIC_BASE = 'deletion-commands';
/** Signed checkpoints of the ledger (docs/bundle-format.md), for auditors to keep. */
export const CHECKPOINTS_TOPIC = 'ledger-checkpoints';

export class TopicNames {
  constructor(
    readonly prefix: string,
    readonly regions: readonly string[],
  ) {}

  lifecycle(topic: LifecycleTopic): string {
    return this.prefix + topic;
  }
  receipts(region: string): string {
    return `${this.prefix}${RECEIPTS_TOPIC_BASE}.${region}`;
  }
  commands(region: string): string {
    return `${this.prefix}${COMMANDS_TOPIC_BASE}.${region}`;
  }
  get deadLetter(): string {
    return this.prefix + DEAD_LETTER_TOPIC;
  }
  get checkpoints(): string {
    return this.prefix + CHECKPOINTS_TOPIC;
  }

  /** Everything ingest consumes: lifecycle topics and each region's receipts. */
  ingestTopics(): string[] {
    return [...LIFECYCLE_TOPICS.map((t) => this.lifecycle(t)), ...this.regions.map((r) => this.receipts(r))];
  }

  /** Every topic the system uses, for the topic admin. */
  allTopics(): string[] {
    return [...this.ingestTopics(), ...this.regions.map((r) => this.commands(r)), this.deadLetter];
  }

  /** Which contract topic a concrete topic name is, or undefined for a foreign topic. */
  classify(
    topic: string,
  ): { kind: 'lifecycle'; name: LifecycleTopic } | { kind: 'receipts'; region: string } | undefined {
    if (!topic.startsWith(this.prefix)) return undefined;
    const bare = topic.slice(this.prefix.length);
    const lifecycle = LIFECYCLE_TOPICS.find((t) => t === bare);
    if (lifecycle) return { kind: 'lifecycle', name: lifecycle };
    const receiptPrefix = RECEIPTS_TOPIC_BASE + '.';
    if (bare.startsWith(receiptPrefix)) return { kind: 'receipts', region: bare.slice(receiptPrefix.length) };
    return undefined;
  }
}
