import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewEntry, TopicNames } from '@app/contracts';
import { createKafka, DeadLetterPublisher, ensureTopics, IdempotentProducer } from '@app/kafka';
import { openLedger } from '@app/ledger';
import { Ingestor } from '../apps/ingest/src/ingestor';
import { lifecycleEvents } from '../test/support/fixtures';
import { lifecycleEntries } from '../test/support/ledger-facts';
import { benchLedger } from './ledger.bench';
import { consumeRate } from './kafka-bench';
import { benchRebuild } from './projection.bench';
import { benchLatency } from './latency.bench';
import { benchDispatch } from './dispatch.bench';
import { benchPgAppend } from './pg-append.bench';

/*
 * `npm run bench`: figures as ratios against a baseline measured in the same run, because
 * the machines are shared and noisy. Starts the local broker unless KAFKA_BROKERS is set.
 * Sizes: BENCH_EVENTS (ingest, default 200 000), BENCH_REBUILD_EVENTS (1 000 000),
 * BENCH_TRIGGERS (latency, 1 000), BENCH_SCHEDULED / BENCH_DUE (dispatch, 1 000 000 / 20 000).
 * BENCH_ONLY=append runs only the in-process ledger append and verify (no broker needed),
 * for quick before/after comparisons of the append path; BENCH_REPEAT (default 1) repeats it.
 * BENCH_ONLY=ingest stops after the ingest and in-process ledger figures (skips rebuild,
 * latency and dispatch). BENCH_ONLY=rebuild runs only the rebuild figures (no broker needed).
 * BENCH_ONLY=pg-append: the PostgreSQL append path, one writer vs two at once (no broker).
 */
const N = Number(process.env.BENCH_EVENTS || 200_000);
const REBUILD_N = Number(process.env.BENCH_REBUILD_EVENTS || 1_000_000);
const TRIGGERS = Number(process.env.BENCH_TRIGGERS || 1000);
const SCHEDULED = Number(process.env.BENCH_SCHEDULED || 1_000_000);
const DUE = Number(process.env.BENCH_DUE || 20_000);
const REGIONS = ['eu', 'us'];

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(44)} ${value}\n`);
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function brokers(): Promise<string[]> {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS.split(',');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const local = require(path.join(__dirname, '..', '..', 'deploy', 'kafka', 'broker.js'));
  return [(await local.ensureBroker({ quiet: true })).brokers];
}

/** BENCH_ONLY=append: the in-process ledger figures alone, BENCH_REPEAT times on the same entries. */
async function appendOnly(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-'));
  const repeat = Number(process.env.BENCH_REPEAT || 1);
  const entries: NewEntry[] = lifecycleEntries(N, { tenants: 1000, seed: 'bench' });
  line('events', fmt(N));
  for (let run = 1; run <= repeat; run++) {
    const { appendPerSec, verifyPerSec } = await benchLedger({ entries, dir, log: () => undefined });
    line(`run ${run}: ledger append / verify`, `${fmt(appendPerSec)} / ${fmt(verifyPerSec)} events/s`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

async function rebuildFigures(dir: string): Promise<void> {
  const rebuild = await benchRebuild(dir, REBUILD_N, 10_000);
  line('rebuild: raw ledger scan (baseline)', `${fmt(rebuild.scanPerSec)} entries/s`);
  line(
    'rebuild (target ≥ 200k/s)',
    `${fmt(rebuild.rebuildPerSec)} entries/s of ${fmt(rebuild.entries)}, ${fmt(rebuild.obligations)} obligations`,
  );
  line('rebuild ÷ raw scan', (rebuild.rebuildPerSec / rebuild.scanPerSec).toFixed(2));
  line(
    'rebuild RSS at end / peak (target < 300 MB)',
    `${fmt(rebuild.rssEndMb)} MB / ${fmt(rebuild.maxRssMb)} MB`,
  );
}

async function pgAppendFigures(): Promise<void> {
  const pg = await benchPgAppend(N);
  line('PostgreSQL append, 1 writer', `${fmt(pg.oneWriterPerSec)} events/s of ${fmt(pg.entries)}`);
  line('PostgreSQL append, 2 writers at once', `${fmt(pg.twoWritersPerSec)} events/s`);
  line('2 writers ÷ 1 (target ≥ 1)', (pg.twoWritersPerSec / pg.oneWriterPerSec).toFixed(2));
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'append') return appendOnly();
  if (process.env.BENCH_ONLY === 'pg-append') return pgAppendFigures();
  const only = process.env.BENCH_ONLY;
  if (only !== undefined && only !== 'ingest' && only !== 'rebuild') {
    throw new Error(`unknown BENCH_ONLY=${only} (append, ingest or rebuild)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-'));
  if (only === 'rebuild') {
    await rebuildFigures(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const kafka = createKafka({ brokers: await brokers(), clientId: 'bench' });
  const prefix = `bench${Date.now().toString(36)}.`;
  const topics = new TopicNames(prefix, REGIONS);
  await ensureTopics(kafka, topics.allTopics());
  line(
    'machine',
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  line('events', fmt(N));

  const events = lifecycleEvents(N, { tenants: 1000, seed: 'bench' });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const t0 = Date.now();
  for (let i = 0; i < events.length; i += 5000) {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const e of events.slice(i, i + 5000)) {
      const t = topics.lifecycle(e.topic);
      byTopic.set(t, [...(byTopic.get(t) ?? []), { key: e.key, value: JSON.stringify(e.value) }]);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
  await producer.disconnect();
  line('pre-produce (not a target)', `${fmt(N / ((Date.now() - t0) / 1000))} events/s`);

  const raw = await consumeRate(kafka, `${prefix}raw`, topics.ingestTopics(), N, async () => undefined);
  line('raw kafkajs eachBatch consume (baseline)', `${fmt(raw.perSec)} events/s`);

  const ledger = await openLedger(`sqlite:${path.join(dir, 'ingest-ledger.db')}`);
  const dlq = new IdempotentProducer(kafka);
  const deadLetters = new DeadLetterPublisher(dlq, topics.deadLetter);
  const ctx = {
    topics,
    categories: new Set(['personal', 'audit-log']),
    regions: new Set(REGIONS),
    now: new Date(),
    maxFutureSkewMs: 900_000,
    maxMessageBytes: 256 * 1024,
  };
  const ingestor = new Ingestor({
    ledger,
    now: () => new Date(),
    deadLetter: (r, at) => deadLetters.publish(r, at),
    parseContext: () => ctx,
  });
  const ingest = await consumeRate(kafka, `${prefix}ingest`, topics.ingestTopics(), N, (r) =>
    ingestor.handle(r),
  );
  await dlq.disconnect();
  await ledger.close();
  line('ingest (parse + validate + append + commit)', `${fmt(ingest.perSec)} events/s`);
  line('ingest ÷ raw consume  (target ≥ 0.6)', (ingest.perSec / raw.perSec).toFixed(2));
  line('ingest appended / rejected', `${ingestor.counters.appended} / ${ingestor.counters.rejected}`);

  // In-process ledger figures on the same events, parsed once up front.
  const entries: NewEntry[] = lifecycleEntries(N, { tenants: 1000, seed: 'bench' });
  const { appendPerSec, verifyPerSec } = await benchLedger({ entries, dir, log: () => undefined });
  line('ledger append, in process (target ≥ 100k/s)', `${fmt(appendPerSec)} events/s`);
  line('verify (target ≥ 300k/s)', `${fmt(verifyPerSec)} events/s`);
  line('append ÷ raw consume', (appendPerSec / raw.perSec).toFixed(2));
  line('verify ÷ raw consume', (verifyPerSec / raw.perSec).toFixed(2));
  if (only === 'ingest') {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }

  process.stdout.write('\n');
  await rebuildFigures(dir);

  process.stdout.write('\n');
  const latency = await benchLatency(kafka, dir, TRIGGERS);
  line(
    'trigger → command p50 / p99 (target p99 < 0.5 s)',
    `${fmt(latency.p50Ms)} ms / ${fmt(latency.p99Ms)} ms over ${TRIGGERS} triggers`,
  );
  line(
    'raw produce → consume p50 / p99 (baseline)',
    `${fmt(latency.baselineP50Ms)} ms / ${fmt(latency.baselineP99Ms)} ms`,
  );
  line('p99 ÷ baseline p99', (latency.p99Ms / Math.max(1, latency.baselineP99Ms)).toFixed(1));

  process.stdout.write('\n');
  const dispatch = await benchDispatch(kafka, dir, SCHEDULED, DUE);
  line('dispatch: scheduled / due', `${fmt(dispatch.scheduled)} / ${fmt(dispatch.due)}`);
  line('dispatch throughput (due scan + append + publish)', `${fmt(dispatch.dispatchPerSec)} commands/s`);
  line('… with the projector following in the same loop', `${fmt(dispatch.withProjectionPerSec)} commands/s`);
  line('raw idempotent produce (baseline)', `${fmt(dispatch.rawProducePerSec)} records/s`);
  line('dispatch ÷ raw produce', (dispatch.dispatchPerSec / dispatch.rawProducePerSec).toFixed(2));
  line(
    'due query, 1M vs small read model',
    `${dispatch.dueQueryMsLarge.toFixed(2)} ms vs ${dispatch.dueQueryMsSmall.toFixed(2)} ms`,
  );

  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
