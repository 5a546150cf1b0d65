import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DeletionCommand, deletionCommandHeaders, TopicNames } from '@app/contracts';
import {
  backoffMs,
  faultKind,
  headersFor,
  OpenSpan,
  openSpan,
  traceLinks,
  tracingOn,
  APP_CONFIG,
  AppConfig,
  CLOCK,
  Clock,
  KAFKA,
  LEDGER_STORE,
  LOGGER,
  Logger,
  READ_MODEL,
  SUBJECT_KEYS,
  WORK_SIGNAL,
  WorkSignal,
} from '@app/config';
import type { LedgerStore } from '@app/ledger';
import type { SubjectKeyStore } from '@app/subject-keys';
import {
  leaseHolder,
  openLeaseStore,
  releaseDeadLocalHolders,
  type LeaseStore,
  type ReadModel,
} from '@app/read-model';
import { driftMessage, ensureTopics, IdempotentProducer, systemTopicSpecs } from '@app/kafka';
import type { Dispatcher } from './dispatcher';
import { createDispatcher, dispatchSettings } from './create-dispatcher';
import { subjectRevealer } from './reveal-subjects';

const MAX_BACKOFF_MS = 30_000;

/** Runs the dispatcher's pass every DISPATCH_INTERVAL; publishes with an idempotent producer. */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly dispatcher: Dispatcher;
  private readonly producer: IdempotentProducer;
  private readonly topics: TopicNames;
  private running: Promise<void> | undefined;
  private stopped = false;
  private leases: LeaseStore | undefined;
  private readonly holder = leaseHolder('dispatcher');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LEDGER_STORE) ledger: LedgerStore,
    @Inject(READ_MODEL) readModel: ReadModel,
    @Inject(CLOCK) now: Clock,
    @Inject(WORK_SIGNAL) private readonly signal: WorkSignal,
    @Optional() @Inject(SUBJECT_KEYS) subjectKeys?: SubjectKeyStore,
  ) {
    this.topics = new TopicNames(config.topicPrefix, config.regions);
    this.producer = new IdempotentProducer(kafka);
    this.dispatcher = createDispatcher({
      ledger,
      readModel,
      now,
      settings: dispatchSettings(config),
      publish: (commands) => this.publish(commands),
      reveal: subjectKeys && subjectRevealer(subjectKeys),
      onRefused: (command, reason) =>
        this.log.error(
          { commandId: command.commandId, obligationId: command.obligationId, reason },
          'deletion command not published: its subject cannot be named for the store',
        ),
      // Several dispatchers on one read model share the due work through leases (DISPATCH_LEASE).
      claim: (names) => this.leases!.claim(names, this.holder, now().getTime(), config.dispatchLeaseMs),
      recoverEveryMs: config.dispatchLeaseMs,
      afterAppend: failpoint(),
    });
  }

  private async publish(commands: DeletionCommand[]): Promise<void> {
    const byRegion = new Map<string, DeletionCommand[]>();
    for (const c of commands) byRegion.set(c.region, [...(byRegion.get(c.region) ?? []), c]);
    // A PRODUCER span per command; its traceparent header lets the regional store continue the trace.
    const spans = new Map<string, OpenSpan | undefined>();
    for (const c of tracingOn() ? commands : []) {
      spans.set(
        c.commandId,
        openSpan(`publish ${this.topics.commands(c.region)}`, {
          parent: traceLinks.recall(c.commandId),
          kind: 'producer',
          attributes: {
            commandId: c.commandId,
            'messaging.destination.name': this.topics.commands(c.region),
          },
        }),
      );
    }
    try {
      await this.producer.sendBatch(
        [...byRegion].map(([region, list]) => ({
          // Residency: a command goes only to its own region's topic.
          topic: this.topics.commands(region),
          messages: list.map((c) => ({
            key: c.tenantId,
            value: JSON.stringify(c),
            // CloudEvents binary mode (ce_* headers), plus the trace's traceparent when tracing is on.
            headers: {
              ...deletionCommandHeaders(c),
              ...(spans.size > 0 ? headersFor(spans.get(c.commandId)?.ctx) : {}),
            },
          })),
        })),
      );
      for (const span of spans.values()) span?.end();
    } catch (err) {
      for (const span of spans.values()) span?.end(err);
      throw err;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(
      this.kafka,
      systemTopicSpecs(this.topics, this.config.topics),
      this.config.topics,
      3,
      (d) => this.log.warn(d, driftMessage(d)),
    );
    await this.producer.connect();
    this.leases = await openLeaseStore(this.config.readModelUrl);
    // Restarted after a crash on this host: take the dead process's commands at once.
    await releaseDeadLocalHolders(this.leases);
    // The first pass sweeps: what was issued but not published before a crash goes out first.
    this.schedule();
    this.log.info({ intervalMs: this.config.dispatchIntervalMs }, 'dispatcher running');
  }

  /** A pass every DISPATCH_INTERVAL, or at once when the projector changed obligations. */
  private schedule(): void {
    this.running = (async () => {
      let failures = 0;
      while (!this.stopped) {
        failures = (await this.pass()) ? 0 : failures + 1;
        // After a failure, back off (a store or the broker is down): no loop without a pause.
        const wait =
          failures === 0
            ? this.config.dispatchIntervalMs
            : backoffMs(failures, { initialMs: this.config.dispatchIntervalMs, maxMs: MAX_BACKOFF_MS });
        await this.signal.wait('obligations', wait);
      }
    })();
  }

  /** One pass; false when it failed. */
  private async pass(): Promise<boolean> {
    try {
      const n = await this.dispatcher.tick();
      if (n > 0) this.log.info({ published: n }, 'deletion commands published');
      return true;
    } catch (err) {
      // Nothing is lost: the next pass issues and publishes again (idempotent by commandId).
      this.log.error({ err, kind: faultKind(err) }, 'dispatch pass failed; retrying with backoff');
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.signal.emit('obligations');
    await this.running;
    await this.producer.disconnect();
    await this.leases?.close();
  }
}

/**
 * RL_FAILPOINT=dispatcher-after-append kills the process between the ledger append and
 * the publish: the crash the outbox must survive (test/dispatcher-crash.e2e-spec.ts).
 */
function failpoint(): (() => void) | undefined {
  if (process.env.RL_FAILPOINT !== 'dispatcher-after-append') return undefined;
  return () => process.kill(process.pid, 'SIGKILL');
}
