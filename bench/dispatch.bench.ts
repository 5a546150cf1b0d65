import path from 'node:path';
import { Kafka } from 'kafkajs';
import { DeletionCommand, NewEntry, POLICY_STREAM, TopicNames } from '@app/contracts';
import { ensureTopics, IdempotentProducer } from '@app/kafka';
import { openLedger } from '@app/ledger';
import { openReadModel } from '@app/read-model';
import { canonicalPolicyJson, parsePolicy } from '@app/retention';
import { createDispatcher } from '@app/pipeline';
import { createProjector } from '@app/pipeline';
import { ZERO_DELAY_POLICY } from './latency.bench';
import { profiled } from './cpu-profile';

export interface DispatchPhase {
  perSec: number;
  commands: number;
  /** Time in projector steps (folding the touched tenants' streams on a miss, then the page). */
  projectMs: number;
  /** Tenant states the projector folded from the ledger in this phase (cache misses). */
  tenantsLoaded: number;
}

export interface DispatchFigures {
  scheduled: number;
  due: number;
  dispatchPerSec: number;
  /** Dispatch with the projector following, from a new projector's empty cache. */
  cold: DispatchPhase;
  /** The same, once that projector has met the tenants. */
  warm: DispatchPhase;
  rawProducePerSec: number;
  dueQueryMsLarge: number;
  dueQueryMsSmall: number;
}

function facts(n: number, due: number, t0: number): NewEntry[] {
  const out: NewEntry[] = [];
  for (let i = 0; i < n; i++) {
    const tenantId = `disp-${i % 2000}`;
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    out.push({
      eventId: `dc-${i}`,
      tenantId,
      type: 'DataCreated',
      occurredAt: at(0),
      data: {
        dataId: `d-${i}`,
        category: i < due ? 'personal' : 'delayed',
        region: i % 2 ? 'us' : 'eu',
        store: 'main',
      },
      subject: null,
      source: null,
    });
    out.push({
      eventId: `dd-${i}`,
      tenantId,
      type: 'DataDeleted',
      occurredAt: at(1000),
      data: { dataId: `d-${i}`, deletedBy: 'user' },
      subject: null,
      source: null,
    });
  }
  return out;
}

async function timeDue(readModel: { due(now: Date, limit: number): Promise<unknown[]> }): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < 20; i++) await readModel.due(new Date(), 500);
  return (performance.now() - started) / 20;
}

/**
 * `scheduled` obligations in the read model, `due` of them due now: how fast the
 * dispatcher issues and publishes the due ones (ledger append + Kafka), against a raw
 * produce of the same number of command-sized records; and the due query's cost with
 * the large read model versus a small one (the index keeps it flat).
 */
export async function benchDispatch(
  kafka: Kafka,
  dir: string,
  scheduled: number,
  due: number,
): Promise<DispatchFigures> {
  const prefix = `disp${Date.now().toString(36)}.`;
  const topics = new TopicNames(prefix, ['eu', 'us']);
  await ensureTopics(kafka, topics.allTopics());
  const t0 = Date.now() - 3_600_000;
  const policy = parsePolicy(ZERO_DELAY_POLICY, 'yaml');

  const build = async (name: string, n: number) => {
    const ledger = await openLedger(`sqlite:${path.join(dir, `${name}-ledger.db`)}`);
    await ledger.appendBatch([
      {
        eventId: 'policy-1',
        tenantId: POLICY_STREAM,
        type: 'PolicyActivated',
        occurredAt: new Date(t0 - 1000).toISOString(),
        data: {
          version: policy.version,
          contentHash: 'bench',
          policy: JSON.parse(canonicalPolicyJson(policy)),
        },
        subject: null,
        source: null,
      },
    ]);
    const all = facts(n, due, t0);
    for (let i = 0; i < all.length; i += 10_000) await ledger.appendBatch(all.slice(i, i + 10_000));
    const readModel = await openReadModel(`sqlite:${path.join(dir, `${name}-read-model.db`)}`);
    await createProjector(ledger, readModel, 'rebuild').rebuild();
    return { ledger, readModel };
  };

  const small = await build('small', due);
  const dueQueryMsSmall = await timeDue(small.readModel);
  await small.readModel.close();
  await small.ledger.close();

  const { ledger, readModel } = await build('large', scheduled);
  const dueQueryMsLarge = await timeDue(readModel);

  const producer = new IdempotentProducer(kafka);
  await producer.connect();
  const publish = async (commands: DeletionCommand[]) => {
    await producer.sendBatch(
      ['eu', 'us'].map((region) => ({
        topic: topics.commands(region),
        messages: commands
          .filter((c) => c.region === region)
          .map((c) => ({ key: c.tenantId, value: JSON.stringify(c) })),
      })),
    );
  };
  const dispatcher = createDispatcher({
    ledger,
    readModel,
    now: () => new Date(),
    publish,
    settings: { batchSize: 2000, maxAttempts: 3, retryBaseMs: 60_000, receiptTimeoutMs: 3_600_000 },
  });
  // A new projector (as after a restart: nothing cached) follows the dispatcher's appends, so
  // due() sees what was issued. Its time is reported apart from the dispatcher's own (due
  // scan, append, publish): cold while it meets the tenants for the first time (the first
  // half of the due commands touch nearly all 2 000), warm for the second half.
  const projector = createProjector(ledger, readModel, 'follow', { batchSize: 5000 });
  let dispatchMs = 0;
  const phase = async (upTo: number) => {
    const started = performance.now();
    const loadedBefore = projector.tenantsLoaded;
    let projectMs = 0;
    const from = dispatcher.counters.published;
    while (dispatcher.counters.published < upTo) {
      const t = performance.now();
      await dispatcher.tick();
      dispatchMs += performance.now() - t;
      const p = performance.now();
      while ((await projector.step()).entries > 0);
      projectMs += performance.now() - p;
    }
    const commands = dispatcher.counters.published - from;
    return {
      perSec: commands / ((performance.now() - started) / 1000),
      commands,
      projectMs,
      tenantsLoaded: projector.tenantsLoaded - loadedBefore,
    };
  };
  const cold = await profiled('dispatch-cold', () => phase(Math.ceil(due / 2)));
  const warm = await profiled('dispatch-warm', () => phase(due));
  const dispatchPerSec = dispatcher.counters.published / (dispatchMs / 1000);

  const sample = JSON.stringify((await readModel.withStatus('issued', 1))[0] ?? {});
  const rawStart = performance.now();
  for (let i = 0; i < due; i += 2000) {
    await producer.send(
      `${topics.commands('eu')}`,
      Array.from({ length: Math.min(2000, due - i) }, () => ({ key: 'k', value: sample })),
    );
  }
  const rawProducePerSec = due / ((performance.now() - rawStart) / 1000);
  await producer.disconnect();
  await readModel.close();
  await ledger.close();
  return {
    scheduled,
    due,
    dispatchPerSec,
    cold,
    warm,
    rawProducePerSec,
    dueQueryMsLarge,
    dueQueryMsSmall,
  };
}
