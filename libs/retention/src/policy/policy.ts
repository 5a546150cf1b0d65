/**
 * A retention policy: for each data category, what happens when the data is
 * deleted, when its subject (the user) is deleted, when the tenant's subscription
 * ends, and how old the data may get. Durations are ISO-8601 strings.
 *
 * File shape (YAML or JSON), see README.md:
 *
 *   version: default-2025-01
 *   categories: [personal, audit-log]
 *   rules:
 *     personal:
 *       onDataDeletion:    { action: purge, after: PT0S, deadline: P30D }
 *       onSubjectDeletion: { action: purge, after: PT0S, deadline: P30D }
 *       onSubscriptionEnd: { action: purge, expired: P30D, disabled: P90D, deadline: P180D }
 *     audit-log:
 *       onDataDeletion:    { action: keep }
 *       onSubjectDeletion: { action: keep }
 *       onSubscriptionEnd: { action: keep }
 *       maxAge:            { age: P365D, grace: P30D }
 *
 * `categories` declares the vocabulary (ingest rejects data in other categories);
 * `rules` must hold exactly one rule set per declared category, so a typo in a
 * category name is an error instead of a silently unprotected category.
 */

/** On data deletion or subject deletion. */
export type DeletionRule =
  | { readonly action: 'keep' }
  | {
      readonly action: 'purge';
      /** Delay from the trigger until the purge may be dispatched ("due"). Default `PT0S`: at once. */
      readonly after: string;
      /** The promise, counted from the trigger. */
      readonly deadline: string;
    };

/** On the end of the tenant's subscription: passive deletion through expired and disabled stages. */
export type SubscriptionEndRule =
  | { readonly action: 'keep' }
  | {
      readonly action: 'purge';
      /** The expired stage, from the end of the subscription. */
      readonly expired: string;
      /** The disabled stage, after the expired one. Reactivation is possible until it ends; then the purge is due. */
      readonly disabled: string;
      /** The promise, counted from the end of the subscription. */
      readonly deadline: string;
    };

/** Purge data when it reaches `age` (from its creation); the deadline is `grace` after that. */
export interface MaxAgeRule {
  readonly age: string;
  readonly grace: string;
}

export interface CategoryRules {
  readonly onDataDeletion: DeletionRule;
  readonly onSubjectDeletion: DeletionRule;
  readonly onSubscriptionEnd: SubscriptionEndRule;
  readonly maxAge?: MaxAgeRule;
  /**
   * Preservation lock: a later policy may lengthen this category's retention but never
   * shorten it, unlock it or remove the category (`checkPolicyChange`).
   */
  readonly locked?: true;
}

/** A jurisdiction's rules: per category, the rules that differ from the base ones there. */
export type RegionRules = Readonly<Record<string, Partial<Omit<CategoryRules, 'locked'>>>>;

/** An expedited tenant deletion (`subscription-ended` with `expedite: true`): due `after`, promised by `deadline`. */
export interface ExpeditedRule {
  readonly after: string;
  readonly deadline: string;
}

/** When a policy does not say: purge one hour after the end, within three days. */
export const DEFAULT_EXPEDITED: ExpeditedRule = { after: 'PT1H', deadline: 'P3D' };

export interface Policy {
  readonly version: string;
  readonly description?: string;
  /** Declared categories, sorted. */
  readonly categories: readonly string[];
  readonly rules: Readonly<Record<string, CategoryRules>>;
  /** Per region (a configured region name): rules that differ there, e.g. a shorter deadline. */
  readonly regions?: Readonly<Record<string, RegionRules>>;
  /** Default `DEFAULT_EXPEDITED`. */
  readonly expedited?: ExpeditedRule;
  /** The ledger's own retention of personal data (absent: subjects are shredded only on demand). */
  readonly ledger?: LedgerRetention;
}

/**
 * `ledger: { shredSubjectsAfter: P30D }`: a deleted subject whose obligations are all final
 * (met, cancelled or resolved) and that no legal hold covers is crypto-shredded that long after
 * the last of them settled (docs/subject-data.md).
 */
export interface LedgerRetention {
  readonly shredSubjectsAfter: string;
}

/** Version string of the built-in default policy. */
export const DEFAULT_POLICY_VERSION = 'default-2025-01';

/**
 * The built-in default (DESIGN.md's table, from the Microsoft 365 / Intune
 * commitments): personal data is purged at once on data or user deletion with a
 * 30-day deadline, and 30 + 90 days after a subscription ends with a 180-day
 * deadline; audit logs are kept on deletion and subscription end and purged 365
 * days after creation, deadline 30 days later.
 */
export const DEFAULT_POLICY: Policy = deepFreeze({
  version: DEFAULT_POLICY_VERSION,
  description: 'Built-in default from the Microsoft 365 / Intune commitments',
  categories: ['audit-log', 'personal'],
  rules: {
    'audit-log': {
      onDataDeletion: { action: 'keep' },
      onSubjectDeletion: { action: 'keep' },
      onSubscriptionEnd: { action: 'keep' },
      maxAge: { age: 'P365D', grace: 'P30D' },
    },
    personal: {
      onDataDeletion: { action: 'purge', after: 'PT0S', deadline: 'P30D' },
      onSubjectDeletion: { action: 'purge', after: 'PT0S', deadline: 'P30D' },
      onSubscriptionEnd: { action: 'purge', expired: 'P30D', disabled: 'P90D', deadline: 'P180D' },
    },
  },
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
