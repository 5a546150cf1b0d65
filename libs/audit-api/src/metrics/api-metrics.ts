import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PipelineProbes } from '../pipeline-probes';
import { StoreReadings, StoreSnapshot, StoreSources } from './store-snapshot';
import { METRIC } from './metric-names';
import { OBLIGATION_STATUSES } from '@app/retention';

export interface MetricSources extends StoreSources {
  pipeline: PipelineProbes;
}

/** From seconds (the demo's compressed policy) to the 30-day deadline and beyond. */
const LATENCY_BUCKETS = [
  1, 10, 60, 300, 3600, 21_600, 86_400, 259_200, 604_800, 1_209_600, 2_592_000, 5_184_000,
];

type Readings = Record<string, number> | undefined;

type DispatchCounters = ReturnType<NonNullable<PipelineProbes['dispatcher']>['counters']>;

/** The dispatcher's counters, each mirrored as an unlabelled counter. */
const DISPATCH_COUNTERS: readonly [name: string, help: string, key: keyof DispatchCounters][] = [
  [METRIC.commandsIssued, 'Deletion commands the dispatcher issued (appended to the ledger)', 'issued'],
  [METRIC.commandsPublished, 'Deletion commands the dispatcher published to Kafka', 'published'],
  [METRIC.commandsRetried, 'Deletion commands issued again after a failure receipt', 'retried'],
  [
    METRIC.receiptTimeouts,
    'Deletion commands issued again because no receipt came within RECEIPT_TIMEOUT',
    'receiptTimeouts',
  ],
  [
    METRIC.publishFailures,
    'Dispatcher publishes to Kafka that failed (the commands are published again on a later pass)',
    'publishFailures',
  ],
];

interface ReadingGauge {
  name: string;
  help: string;
  value: (readings: StoreReadings) => number;
}

/**
 * The process's metrics. Counters mirror the in-process services' own counters (ingest,
 * dispatcher) at scrape time; gauges show the stores (obligations by status, overdue,
 * ledger size) as StoreSnapshot last read them, so they are right whichever process runs
 * which service, and a scrape every few seconds costs no query at all; the deletion
 * command latency is observed as the projector records confirmations (see settlement-meter).
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly latency: Histogram<'outcome'>;
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly verifyOk: Gauge;
  private readonly verifyAt: Gauge;
  /** Store readings, refreshed in the background: a scrape never queries a store. */
  readonly stores: StoreSnapshot;

  constructor(private readonly src: MetricSources) {
    this.stores = new StoreSnapshot(src);
    collectDefaultMetrics({ register: this.registry });
    this.pipelineCounters();
    this.storeFaultMetrics();
    this.consumerGauges();
    this.storeGauges();
    const registers = [this.registry];
    this.verifyOk = new Gauge({
      name: METRIC.verifyOk,
      help: '1 if the last full verify of the ledger passed, 0 if it named a break (absent before the first)',
      registers,
    });
    this.verifyAt = new Gauge({
      name: METRIC.verifyLastRun,
      help: 'When the last full verify finished (Unix seconds)',
      registers,
    });
    this.latency = new Histogram({
      name: METRIC.commandLatency,
      help: 'From a deletion command being issued to its receipt (confirmed or failed), as the projector records it',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.http = new Histogram({
      name: METRIC.httpDuration,
      help: 'Audit API requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
  }

  observeSettlement(outcome: 'confirmed' | 'failed', seconds: number): void {
    this.latency.observe({ outcome }, Math.max(0, seconds));
  }

  /** A full verify's outcome (the periodic one, or /v1/verify over every stream). */
  observeVerify(ok: boolean, at: Date): void {
    this.verifyOk.set(ok ? 1 : 0);
    this.verifyAt.set(at.getTime() / 1000);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** A store that is down must not take /metrics with it (health reports it): keep the last values. */
  private async guarded(what: string, read: () => Promise<unknown>): Promise<void> {
    try {
      await read();
    } catch (err) {
      this.src.log.warn({ err, what }, 'metrics: could not read a store; the gauge keeps its last value');
    }
  }

  /** The in-process services' own counters (ingest, dispatcher), mirrored at each scrape. */
  private pipelineCounters(): void {
    const ingest = () => this.src.pipeline.ingest?.counters();
    const dispatch = () => this.src.pipeline.dispatcher?.counters();
    this.mirror(
      METRIC.eventsIngested,
      'Lifecycle events and receipts ingest appended to the ledger (duplicate = redelivery absorbed)',
      () => {
        const c = ingest();
        return c && { appended: c.appended, duplicate: c.duplicates };
      },
      'outcome',
    );
    this.mirror(METRIC.deadLetters, 'Records ingest sent to the dead-letter topic', () => {
      const c = ingest();
      return c && { '': c.rejected };
    });
    for (const [name, help, key] of DISPATCH_COUNTERS) {
      this.mirror(name, help, () => {
        const c = dispatch();
        return c && { '': c[key] };
      });
    }
  }

  /** The ingest consumer in this process, read at each scrape (cheap: in memory). */
  private consumerGauges(): void {
    const src = this.src;
    new Gauge({
      name: METRIC.consumerLag,
      help: 'Records on the ingest topics beyond the last batch handled (ingest in this process)',
      registers: [this.registry],
      collect() {
        const probe = src.pipeline.ingest;
        if (probe) this.set(probe.consumerLag());
      },
    });
    new Gauge({
      name: METRIC.consumerUp,
      help: '1 while the ingest consumer in this process is running',
      registers: [this.registry],
      collect() {
        const probe = src.pipeline.ingest;
        if (probe) this.set(probe.consumerStatus() === 'running' ? 1 : 0);
      },
    });
  }

  /** The stores' gauges, from the readings StoreSnapshot last took: a scrape queries nothing. */
  private storeGauges(): void {
    const stores = this.stores;
    new Gauge({
      name: METRIC.obligations,
      help: 'Obligations in the read model by status (read every METRICS_REFRESH, not per scrape)',
      labelNames: ['status'],
      registers: [this.registry],
      collect() {
        const counts = stores.current.obligations;
        for (const status of new Set([...OBLIGATION_STATUSES, ...Object.keys(counts)])) {
          this.set({ status }, counts[status] ?? 0);
        }
      },
    });
    for (const gauge of this.storeReadingGauges()) {
      new Gauge({
        name: gauge.name,
        help: gauge.help,
        registers: [this.registry],
        collect() {
          this.set(gauge.value(stores.current));
        },
      });
    }
  }

  /** The unlabelled store gauges, in the order /metrics lists them; some only where they apply. */
  private storeReadingGauges(): ReadingGauge[] {
    const clock = this.src.clock;
    return [
      {
        name: METRIC.overdue,
        help: 'Obligations past their deadline, neither confirmed, cancelled nor resolved by an operator',
        value: (r) => r.overdue,
      },
      ...(this.src.dispatchMaxAttempts === undefined
        ? []
        : [
            {
              name: METRIC.failedPermanently,
              help: 'Obligations failed on every one of DISPATCH_MAX_ATTEMPTS attempts: no retry is left, an operator must act',
              value: (r: StoreReadings) => r.retriesExhausted,
            },
          ]),
      {
        name: METRIC.dueSoon,
        help: 'Obligations still owed whose deadline is within the next 7 days',
        value: (r) => r.dueSoon,
      },
      { name: METRIC.ledgerEntries, help: 'Entries in the ledger', value: (r) => r.ledger.entries },
      {
        name: METRIC.ledgerStreams,
        help: 'Streams (tenants, and the policy stream) in the ledger',
        value: (r) => r.ledger.streams,
      },
      {
        name: METRIC.storeReadAge,
        help: 'Seconds since the store gauges above were last read (-1 before the first read)',
        value: (r) => (r.readAt === undefined ? -1 : Math.max(0, (clock().getTime() - r.readAt) / 1000)),
      },
      // Only where checkpoints are kept beside the ledger (SQLite, PostgreSQL): 0 until the first.
      ...(this.src.checkpoints?.latestCreatedAt
        ? [
            {
              name: METRIC.checkpointLast,
              help: 'When the latest signed checkpoint kept beside the ledger was made (Unix seconds; 0 while there is none)',
              value: (r: StoreReadings) => (r.checkpointAt ?? 0) / 1000,
            },
          ]
        : []),
    ];
  }

  /** Store errors by store and kind, and whether a store is failing now (retried), from StoreFaults. */
  private storeFaultMetrics(): void {
    const faults = () => this.src.pipeline.storeFaults?.() ?? [];
    const seen = new Map<string, number>();
    new Counter({
      name: METRIC.storeErrors,
      help: 'Errors of ledger and read-model operations in this process, by store and kind (transient ones are retried with backoff)',
      labelNames: ['store', 'kind'],
      registers: [this.registry],
      collect() {
        for (const r of faults()) {
          for (const [kind, total] of Object.entries(r.errors)) {
            const key = `${r.store}/${kind}`;
            this.inc({ store: r.store, kind }, Math.max(0, total - (seen.get(key) ?? 0)));
            seen.set(key, total);
          }
        }
      },
    });
    new Gauge({
      name: METRIC.storeRetrying,
      help: '1 while operations on the store are failing and being retried (health: degraded, then down)',
      labelNames: ['store'],
      registers: [this.registry],
      collect() {
        for (const r of faults()) this.set({ store: r.store }, r.state === 'ok' ? 0 : 1);
      },
    });
  }

  /**
   * A counter that follows a service's own monotonic counter: at each scrape it is
   * increased by what the service counted since the previous scrape. `''` = no label.
   */
  private mirror(name: string, help: string, read: () => Readings, label?: string): void {
    const seen = new Map<string, number>();
    new Counter({
      name,
      help,
      labelNames: label ? [label] : [],
      registers: [this.registry],
      collect() {
        const now = read();
        if (!now) return;
        for (const [value, total] of Object.entries(now)) {
          const delta = Math.max(0, total - (seen.get(value) ?? 0));
          seen.set(value, total);
          if (label) this.inc({ [label]: value }, delta);
          else this.inc(delta);
        }
      },
    });
  }
}
