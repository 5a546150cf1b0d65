import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { LEDGER_STORE, READ_MODEL } from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { ReadModel } from '@app/read-model';
import { KafkaAdminService } from '../kafka-admin.service';
import type { PipelineProbes } from '../pipeline-probes';
import type { ApiMetrics } from '../metrics/api-metrics';
import { API_METRICS, PIPELINE_PROBES } from '../tokens';
import { withTimeout } from '../with-timeout';

const TIMEOUT_MS = 3000;
/** An event loop held this long (p99 over the last interval) is stuck: liveness fails, the pod restarts. */
const STALLED_LOOP_MS = 5000;

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The three things the ledger cannot work without, each answering within a few seconds,
 * and each cheap: a probe every few seconds costs an index lookup, not a count.
 */
@Injectable()
export class PipelineHealth implements OnModuleDestroy {
  private readonly loop = monitorEventLoopDelay({ resolution: 50 });
  /** The last reading: at most one a second (a percentile per probe showed in the profile under load). */
  private reading: { at: number; p99Ms: number } | undefined;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaAdminService,
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(PIPELINE_PROBES) private readonly pipeline: PipelineProbes,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
  ) {
    this.loop.enable();
  }

  onModuleDestroy(): void {
    this.loop.disable();
  }

  /** That this answers at all shows the loop turns; the delay shows whether it turns in time. */
  eventLoop(): HealthIndicatorResult {
    const check = this.indicators.check('process');
    const at = Date.now();
    if (this.reading === undefined || at - this.reading.at >= 1000) {
      this.reading = { at, p99Ms: Math.round(this.loop.percentile(99) / 1e6) };
      this.loop.reset();
    }
    const p99Ms = this.reading.p99Ms;
    const detail = { eventLoopDelayP99Ms: p99Ms, uptimeSeconds: Math.round(process.uptime()) };
    return p99Ms > STALLED_LOOP_MS
      ? check.down({ ...detail, message: 'the event loop is stalled' })
      : check.up(detail);
  }

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
      // The last position is an index lookup; the counts are the metrics' last reading.
      const last = await withTimeout(this.ledger.lastPosition(), TIMEOUT_MS, 'ledger last position');
      return check.up({ ...this.metrics.stores.current.ledger, lastPosition: last ?? null });
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
