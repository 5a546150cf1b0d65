import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { LEDGER_STORE, READ_MODEL } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import { KafkaAdminService } from '../kafka-admin.service';
import type { PipelineProbes } from '../pipeline-probes';
import { PIPELINE_PROBES } from '../tokens';
import { withTimeout } from '../with-timeout';

const TIMEOUT_MS = 3000;

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The three things the ledger cannot work without, each answering within a few seconds. */
@Injectable()
export class PipelineHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaAdminService,
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(PIPELINE_PROBES) private readonly pipeline: PipelineProbes,
  ) {}

  /** Brokers reachable and, when ingest runs in this process, its consumer running (not crashed or stopped). */
  async kafkaUp(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('kafka');
    const ingest = this.pipeline.ingest;
    const consumer = ingest ? { consumer: ingest.consumerStatus(), lag: ingest.consumerLag() } : {};
    try {
      const brokers = await this.kafka.brokerCount();
      if (ingest && consumer.consumer !== 'running') {
        return check.down({ brokers, ...consumer, message: `ingest consumer is ${consumer.consumer}` });
      }
      return check.up({ brokers, ...consumer });
    } catch (err) {
      return check.down({ ...consumer, message: reason(err) });
    }
  }

  /**
   * The stores as this process's services meet them: `degraded` while a store fails and
   * its operations are being retried (still up), down once it has failed for longer than
   * the retries can hide (StoreFaults' threshold). Details carry each store's error counts.
   */
  storesUp(): HealthIndicatorResult {
    const check = this.indicators.check('stores');
    const reports = this.pipeline.storeFaults?.() ?? [];
    const details = Object.fromEntries(reports.map(({ store, ...r }) => [store, r]));
    const down = reports.filter((r) => r.state === 'down').map((r) => r.store);
    if (down.length > 0) return check.down({ ...details, message: `failing: ${down.join(', ')}` });
    return check.up(details);
  }

  async ledgerUp(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('ledger');
    try {
      return check.up(await withTimeout(this.ledger.counts(), TIMEOUT_MS, 'ledger counts'));
    } catch (err) {
      return check.down({ message: reason(err) });
    }
  }

  async readModelUp(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('readModel');
    try {
      const checkpoint = await withTimeout(this.readModel.checkpoint(), TIMEOUT_MS, 'read model checkpoint');
      return check.up({ checkpoint: checkpoint ?? null });
    } catch (err) {
      return check.down({ message: reason(err) });
    }
  }
}
