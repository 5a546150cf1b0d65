import { issuedEventId, TopicNames, type ParseContext } from '@app/contracts';
import type { AppConfig } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import { allChecks, type EntryCheck } from './all-checks';
import { holdReleaseCheck } from './hold-release-check';
import { Ingestor, type IngestorDeps } from './ingestor';
import { receiptCheck } from './receipt-check';

/** What parsing needs besides the clock: the contract's limits and the configured names. */
export type IngestSettings = Omit<ParseContext, 'now'>;

/** The settings `run` uses: topics and regions from the environment, categories from the policy. */
export function ingestSettings(config: AppConfig, categories: ReadonlySet<string>): IngestSettings {
  return {
    topics: new TopicNames(config.topicPrefix, config.regions),
    categories,
    regions: new Set(config.regions),
    maxFutureSkewMs: config.maxFutureSkewMs,
    minOccurredAtMs: config.minOccurredAtMs,
    maxMessageBytes: config.maxMessageBytes,
  };
}

/** The checks that need the ledger: a receipt names an issued command, a hold release a placed hold. */
export function ledgerChecks(ledger: LedgerStore): EntryCheck {
  return allChecks(
    receiptCheck((commandId) => ledger.findByEventId(issuedEventId(commandId))),
    holdReleaseCheck((tenantId) => ledger.readStream(tenantId)),
  );
}

export interface CreateIngestor extends Omit<IngestorDeps, 'parseContext' | 'check'> {
  settings: IngestSettings;
  /** Default: the ledger checks `run` makes; `null`: none (a bench of parsing and appending alone). */
  check?: EntryCheck | null;
}

/** The one way ingest is built: by `run`, the test harnesses and the benches. */
export function createIngestor({ settings, check, ...deps }: CreateIngestor): Ingestor {
  return new Ingestor({
    ...deps,
    check: check === null ? undefined : (check ?? ledgerChecks(deps.ledger)),
    parseContext: () => ({ ...settings, now: deps.now() }),
  });
}
