import type { AddressInfo } from 'node:net';
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  AppConfig,
  Clock,
  createLogger,
  Logger,
  startTracing,
  StoreFaults,
  StoreName,
  systemClock,
  withStoreRetry,
  WorkSignal,
} from '@app/config';
import { TopicNames } from '@app/contracts';
import {
  createKafka,
  driftMessage,
  ensureTopics,
  IdempotentProducer,
  securityFailure,
  topicSpec,
} from '@app/kafka';
import {
  Checkpointer,
  loadOrCreateSigningKey,
  openCheckpointStore,
  type CheckpointStore,
  type SigningKey,
} from '@app/proof';
import type { Kafka } from 'kafkajs';
import { LedgerStore, openLedger } from '@app/ledger';
import { openSubjectKeyStore, type SubjectKeyStore } from '@app/subject-keys';
import { SubjectRetention } from '@app/reports';
import { openKeyStore, openObligationTally, openReadModel, ReadModel } from '@app/read-model';
import { IngestModule, IngestService } from '@app/pipeline';
import { exclusiveRebuild, ProjectorModule } from '@app/pipeline';
import { DispatcherModule, DispatcherService } from '@app/pipeline';
import type { PipelineProbes } from '@app/audit-api';
import { CoreContext, CoreModule } from './core.module';
import { resolveBrokerSet } from './brokers';
import { activatePolicy, loadPolicy } from './policy';
import { scheduleVerify } from './verify-schedule';

export const SERVICES = ['ingest', 'projector', 'dispatcher', 'api'] as const;
export type Service = (typeof SERVICES)[number];

const PIPELINE_MODULES: Record<Exclude<Service, 'api'>, DynamicModule['module']> = {
  ingest: IngestModule,
  projector: ProjectorModule,
  dispatcher: DispatcherModule,
};

@Module({})
class RunModule {
  static of(core: DynamicModule, modules: Array<DynamicModule | DynamicModule['module']>): DynamicModule {
    return { module: RunModule, imports: [core, ...modules] };
  }
}

export interface Runtime {
  core: CoreContext;
  app: INestApplicationContext;
  /** With the `api` service: where it listens, e.g. `http://127.0.0.1:3000`. */
  apiUrl?: string;
  /** Stops the services (each finishes what it has in flight), then closes the stores. */
  stop(): Promise<void>;
  /** Set when KAFKA_BROKERS was unset and this process started the local broker: stops it. */
  stopStartedBroker?: () => Promise<void>;
}

export function parseServices(value: string): Service[] {
  const list = value.split(',').map((s) => s.trim());
  const unknown = list.filter((s) => !(SERVICES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new Error(`--only: unknown service ${unknown.join(', ')} (known: ${SERVICES.join(', ')})`);
  }
  return list as Service[];
}

export interface RuntimeOptions {
  clock?: Clock;
  log?: Logger;
  /** Overrides API_PORT; 0 picks a free port (tests), see `Runtime.apiUrl`. */
  apiPort?: number;
  /** Traces go here instead of OTEL_EXPORTER_OTLP_ENDPOINT (tests: an in-memory exporter). */
  spanProcessor?: SpanProcessor;
}

/**
 * Builds the shared context (config already validated), records the policy in the
 * ledger, and starts the chosen services in one Nest application: an application
 * context, or an HTTP application listening on API_PORT when `api` is among them.
 */
export async function startRuntime(
  config: AppConfig,
  services: readonly Service[],
  opts: RuntimeOptions = {},
): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.logLevel);
  const tracing = startTracing({ endpoint: config.otelEndpoint, processor: opts.spanProcessor });
  const clock = opts.clock ?? systemClock;
  const policy = loadPolicy(config);
  const { brokers, stopStartedBroker } = await resolveBrokerSet(config, log);
  const { ledger, storedReadModel, faults } = await openStores(config, log);
  await recordPolicy(ledger, storedReadModel, policy, clock, log);
  const kafka = createKafka({
    brokers,
    clientId: config.kafka.clientId,
    security: config.kafka,
    log: (level, message, extra) => log[level]({ ...extra }, message),
  });
  const pipeline: PipelineProbes = {
    projectorInProcess: services.includes('projector'),
    storeFaults: () => faults.report(),
  };
  const checkpointStore = await openCheckpointStore(config.ledgerUrl);
  const observed = await openApiMetrics(config, services, {
    ledger,
    readModel: storedReadModel,
    clock,
    pipeline,
    log,
    checkpoints: checkpointStore,
  });
  // Ingest seals subject parts, the dispatcher names subjects for their stores, the projector's
  // process shreds what the policy's ledger.shredSubjectsAfter says, the API shows subjects.
  const subjectKeys = await openSubjectKeyStore(config.subjectKeysUrl);
  const core: CoreContext = {
    config,
    log,
    kafka,
    ledger,
    subjectKeys,
    // With the API, the projector's writes also time each command from issue to receipt.
    readModel: observed
      ? observed.lib.meterSettlements(storedReadModel, (o, s) => observed.metrics.observeSettlement(o, s))
      : storedReadModel,
    clock,
    categories: new Set(policy.categories),
    signal: new WorkSignal(),
  };
  // Only the processes that sign (the projector's) or serve the public key (the API) need the key.
  const checkpointKey =
    services.includes('projector') || services.includes('api')
      ? loadOrCreateSigningKey(config.checkpointKey)
      : undefined;
  const api =
    observed && checkpointKey
      ? {
          lib: observed.lib,
          deps: await apiDeps(config, observed.metrics, pipeline, checkpointStore, checkpointKey),
        }
      : undefined;
  const sidecars = services.includes('projector')
    ? startProjectorSidecars({ core, keys: subjectKeys, store: checkpointStore, key: checkpointKey })
    : undefined;
  const closeStores = async () => {
    await sidecars?.stop();
    await checkpointStore.close();
    await observed?.tally.close();
    await api?.deps.keys.close();
    await storedReadModel.close();
    await subjectKeys.close();
    await ledger.close();
  };
  const modules = [
    ...services.flatMap((s) => (s === 'api' ? [] : [PIPELINE_MODULES[s]])),
    ...(api ? [api.lib.AuditApiModule.forRoot(api.deps)] : []),
  ];
  const root = RunModule.of(CoreModule.forRoot(core), modules);
  const started = api
    ? await startHttp(
        root,
        api,
        { config, log, services, pipeline, ledger, storedReadModel, closeStores },
        opts,
      )
    : await startContext(root, config, closeStores);
  let stopping: Promise<void> | undefined;
  return {
    core,
    app: started.app,
    apiUrl: started.apiUrl,
    stopStartedBroker,
    stop: () =>
      (stopping ??= (async () => {
        started.stopBackground();
        await started.app.close();
        await closeStores();
        await tracing.shutdown();
      })()),
  };
}

/** Records the policy in the ledger; a refused activation (a locked category weakened) stops start-up. */
async function recordPolicy(
  ledger: LedgerStore,
  readModel: ReadModel,
  policy: ReturnType<typeof loadPolicy>,
  clock: Clock,
  log: Logger,
): Promise<void> {
  const activated = await activatePolicy(ledger, policy, clock()).catch(async (error: unknown) => {
    await readModel.close();
    await ledger.close();
    throw error;
  });
  if (activated)
    log.info({ version: policy.version }, 'retention policy activated and recorded in the ledger');
}

/** With the `api` service: the audit API library, its metrics and the obligation tally they read. */
interface ApiObservation {
  lib: AuditApiLib;
  metrics: InstanceType<AuditApiLib['ApiMetrics']>;
  tally: ReturnType<typeof openObligationTally>;
}

type MetricSources = ConstructorParameters<AuditApiLib['ApiMetrics']>[0];

async function openApiMetrics(
  config: AppConfig,
  services: readonly Service[],
  sources: Pick<MetricSources, 'ledger' | 'readModel' | 'clock' | 'pipeline' | 'log' | 'checkpoints'>,
): Promise<ApiObservation | undefined> {
  if (!services.includes('api')) return undefined;
  // Loaded only when asked for: Swagger and friends would slow every other command's start.
  const lib = await import('@app/audit-api');
  const tally = openObligationTally(config.readModelUrl, sources.readModel);
  const metrics = new lib.ApiMetrics({
    ...sources,
    dispatchMaxAttempts: config.dispatchMaxAttempts,
    refreshMs: config.metricsRefreshMs,
    tally,
  });
  return { lib, metrics, tally };
}

/**
 * The projector's process also signs checkpoints (one checkpointer per projector: the one
 * process that folds the whole ledger anyway) and shreds subjects when the policy says.
 */
function startProjectorSidecars(deps: {
  core: CoreContext;
  keys: SubjectKeyStore;
  store: CheckpointStore;
  key: SigningKey | undefined;
}): { stop(): Promise<void> } {
  const { config, kafka, ledger, clock, log } = deps.core;
  const checkpointer = deps.key
    ? startCheckpointer({ config, kafka, ledger, store: deps.store, key: deps.key, clock, log })
    : undefined;
  const retention = new SubjectRetention({
    ledger,
    keys: deps.keys,
    clock,
    intervalMs: config.shredIntervalMs,
    log,
  });
  retention.start();
  return {
    stop: async () => {
      await retention.stop();
      await checkpointer?.stop();
    },
  };
}

/**
 * The ledger and the read model, each behind the store-retry wrapper: every store fault is
 * counted (for /health and /metrics) and transient ones are retried with backoff. Wall time,
 * not the injected clock: "failing for 30 s" is about the store, not the policy.
 */
async function openStores(config: AppConfig, log: Logger) {
  const faults = new StoreFaults();
  const lost = (store: StoreName) => (err: Error) => {
    faults.failed(store, err);
    log.warn({ err, store }, 'store connection lost; the pool reconnects');
  };
  const ledger = withStoreRetry(
    await openLedger(config.ledgerUrl, { onConnectionError: lost('ledger') }),
    'ledger',
    faults,
  );
  const storedReadModel = withStoreRetry(
    await openReadModel(config.readModelUrl, { onConnectionError: lost('readModel') }),
    'readModel',
    faults,
  );
  return { ledger, storedReadModel, faults };
}

type AuditApiLib = typeof import('@app/audit-api');

/** What the audit API module is given: keys, metrics, probes, limits and the checkpoint key. */
async function apiDeps(
  config: AppConfig,
  metrics: InstanceType<AuditApiLib['ApiMetrics']>,
  pipeline: PipelineProbes,
  checkpointStore: CheckpointStore,
  checkpointKey: SigningKey,
) {
  return {
    keys: await openKeyStore(config.readModelUrl),
    metrics,
    pipeline,
    limits: {
      requests: config.apiRateLimit,
      authFailures: config.apiAuthFailureLimit,
      heavyJobs: config.apiHeavyJobs,
      windowMs: config.apiRateWindowMs,
    },
    checkpoints: {
      store: checkpointStore,
      publicKeyPem: checkpointKey.publicKeyPem,
      keyId: checkpointKey.keyId,
    },
  };
}

interface Started {
  app: INestApplicationContext;
  apiUrl?: string;
  stopBackground: () => void;
}

/** Without the API: an application context; creating it runs every service's start-up. */
async function startContext(
  root: DynamicModule,
  config: AppConfig,
  closeStores: () => Promise<void>,
): Promise<Started> {
  // A refused password surfaces here.
  const app = await NestFactory.createApplicationContext(root, {
    logger: ['error', 'warn'],
    abortOnError: false,
  }).catch(async (err: unknown) => {
    await closeStores();
    throw securityFailure(err, config.kafka) ?? err;
  });
  await app.init();
  return { app, stopBackground: () => {} };
}

/** With the API: an HTTP application on API_HOST:API_PORT, its store readings and scheduled verify. */
async function startHttp(
  root: DynamicModule,
  api: { lib: AuditApiLib; deps: Awaited<ReturnType<typeof apiDeps>> },
  ctx: {
    config: AppConfig;
    log: Logger;
    services: readonly Service[];
    pipeline: PipelineProbes;
    ledger: LedgerStore;
    storedReadModel: ReadModel;
    closeStores: () => Promise<void>;
  },
  opts: RuntimeOptions,
): Promise<Started> {
  const { config, log } = ctx;
  const http = await NestFactory.create<NestExpressApplication>(root, {
    logger: new api.lib.PinoNestLogger(log),
    abortOnError: false,
  });
  exposeServices(http, ctx.services, ctx.pipeline, {
    ledger: ctx.ledger,
    readModel: ctx.storedReadModel,
    readModelUrl: config.readModelUrl,
  });
  api.lib.configureHttpApp(http, { log, metrics: api.deps.metrics, trustProxy: config.apiTrustProxy });
  // A first reading before the first scrape, then in the background (see StoreSnapshot).
  const metrics = api.deps.metrics;
  await metrics.stores.refresh();
  const bound = await listen(http, config.apiHost, opts.apiPort ?? config.apiPort, ctx.closeStores).catch(
    (err: unknown) => {
      throw securityFailure(err, config.kafka) ?? err;
    },
  );
  log.info({ url: bound.url, address: bound.address }, 'audit API listening');
  metrics.stores.start();
  const verify =
    config.verifyIntervalMs > 0
      ? scheduleVerify(config, log, (o) => metrics.observeVerify(o.ok, o.at))
      : { stop: () => {} };
  return {
    app: http,
    apiUrl: bound.url,
    stopBackground: () => {
      metrics.stores.stop();
      verify.stop();
    },
  };
}

/** Checkpoints every CHECKPOINT_INTERVAL, published to `ledger-checkpoints` (one partition: in order). */
function startCheckpointer(deps: {
  config: AppConfig;
  kafka: Kafka;
  ledger: LedgerStore;
  store: CheckpointStore;
  key: SigningKey;
  clock: Clock;
  log: Logger;
}): { stop(): Promise<void> } {
  const topic = new TopicNames(deps.config.topicPrefix, deps.config.regions).checkpoints;
  const producer = new IdempotentProducer(deps.kafka);
  let topicReady = false;
  const checkpointer = new Checkpointer({
    ledger: deps.ledger,
    store: deps.store,
    key: deps.key,
    clock: deps.clock,
    intervalMs: deps.config.checkpointIntervalMs,
    log: deps.log,
    publish: async (checkpoint) => {
      // One partition keeps checkpoints in order; CHECKPOINTS_RETENTION (forever by default) applies.
      const topics = deps.config.topics;
      if (!topicReady)
        await ensureTopics(deps.kafka, [topicSpec(topic, 'checkpoints', topics)], topics, 1, (d) =>
          deps.log.warn(d, driftMessage(d)),
        );
      topicReady = true;
      await producer.send(topic, [{ key: 'checkpoint', value: JSON.stringify(checkpoint) }]);
    },
  });
  checkpointer.start();
  return {
    stop: async () => {
      await checkpointer.stop();
      await producer.disconnect();
    },
  };
}

/** What the API may see of the other services in this process (apps do not import each other). */
function exposeServices(
  app: INestApplicationContext,
  services: readonly Service[],
  pipeline: PipelineProbes,
  stores: { ledger: LedgerStore; readModel: ReadModel; readModelUrl: string },
): void {
  if (services.includes('ingest')) {
    const ingest = app.get(IngestService, { strict: false });
    pipeline.ingest = {
      counters: () => ingest.ingestor.counters,
      consumerStatus: () => ingest.consumerStatus,
      consumerLag: () => ingest.consumerLag,
    };
  }
  if (services.includes('dispatcher')) {
    const dispatcher = app.get(DispatcherService, { strict: false });
    pipeline.dispatcher = { counters: () => dispatcher.dispatcher.counters };
  }
  if (!services.includes('projector')) {
    pipeline.rebuild = () => exclusiveRebuild(stores.ledger, stores.readModel, stores.readModelUrl);
  }
}

/** An address to reach the server at: an unspecified bind (0.0.0.0, ::) is reached on loopback. */
function reachableUrl(address: AddressInfo): string {
  const host =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * Starts the services and the HTTP server on API_HOST (only there: not every interface);
 * a port already in use stops start-up naming API_PORT.
 */
async function listen(
  app: NestExpressApplication,
  host: string,
  port: number,
  closeStores: () => Promise<void>,
): Promise<{ url: string; address: string }> {
  try {
    await app.listen(port, host);
  } catch (err) {
    await app.close().catch(() => undefined);
    await closeStores();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new Error(
        `API_HOST ${host} is not an address of this machine (${code}): use 127.0.0.1, 0.0.0.0 or ::`,
      );
    }
    if (code === 'EADDRINUSE') {
      throw new Error(
        `API_PORT ${port} is already in use on API_HOST ${host}: set API_PORT to a free port, or leave the API out (run --only ingest,projector,dispatcher)`,
      );
    }
    throw err;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  return { url: reachableUrl(address), address: `${address.address}:${address.port}` };
}
