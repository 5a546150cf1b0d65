import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewEntry, TopicNames } from '@app/contracts';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '@app/kafka';
import { lifecycleEvents } from '../test/support/fixtures';
import { lifecycleEntries } from '../test/support/ledger-facts';
import { benchLedger } from './ledger.bench';
import { consumeRate, produceLifecycle } from './kafka-bench';
import { benchRebuild, benchRebuildPg, type RebuildFigures } from './projection.bench';
import { benchIngestScale, type IngestRun } from './ingest.bench';
import { benchLatency } from './latency.bench';
import { benchDispatch, type DispatchPhase } from './dispatch.bench';
import { benchScrape } from './scrape.bench';
import { benchPgAppend } from './pg-append.bench';
import { benchSubjectKeys } from './subject-keys.bench';
import { benchSealing } from './sealing.bench';
import { benchProof } from './proof.bench';
import { ApiScenario, benchApi } from './api.bench';
import type { LoadFigures } from './wrk';

/*
 * `npm run bench`: figures as ratios against a baseline measured in the same run, because
 * the machines are shared and noisy. Starts the local broker unless KAFKA_BROKERS is set.
 * Sizes: BENCH_EVENTS (ingest, default 200 000), BENCH_REBUILD_EVENTS (1 000 000),
 * BENCH_TRIGGERS (latency, 1 000), BENCH_SCHEDULED / BENCH_DUE (dispatch, 1 000 000 / 20 000).
 * BENCH_ONLY=append runs only the in-process ledger append and verify (no broker needed),
 * for quick before/after comparisons of the append path; BENCH_REPEAT (default 1) repeats it.
 * Ingest is measured into SQLite and into PostgreSQL (BENCH_POSTGRES_URL, default the local
 * test cluster; schemas of its own, dropped after), each with 1 and with 2 instances: two
 * Ingestors with a BatchConsumer each in one consumer group, in this process (see
 * ingest.bench.ts). BENCH_ONLY=ingest stops after the ingest and in-process ledger figures
 * (skips rebuild, latency and dispatch); BENCH_ONLY=ingest-scale after the ingest figures alone.
 * BENCH_ONLY=rebuild runs only the rebuild figures (no broker needed): BENCH_REBUILD_EVENTS
 * entries over 10 000 tenants, on SQLite and then on PostgreSQL (BENCH_REBUILD_PG=0 skips
 * it), each against a raw readAll scan of the same ledger, RSS from a child process.
 * BENCH_ONLY=dispatch runs only the dispatch figures (broker needed): the dispatcher alone,
 * and with a new projector following — cold (its first half of the due commands, meeting
 * the tenants) against warm (the second half) in the same run.
 * BENCH_ONLY=scrape runs only the /metrics and /health/ready figures (no broker needed) at
 * BENCH_SCRAPE_ENTRIES ledger entries (1 000 000) and BENCH_SCRAPE_OBLIGATIONS (3 000 000).
 * BENCH_ONLY=pg-append: the PostgreSQL append path, one writer vs two at once (no broker).
 * BENCH_ONLY=subject-keys runs only the subject part encryption figures (no broker needed;
 * BENCH_SUBJECT_PARTS, default 200 000).
 * BENCH_ONLY=checkpoint runs only the proof figures (no broker needed): a checkpoint of
 * BENCH_CHECKPOINT_STREAMS (10 000) streams / BENCH_CHECKPOINT_EVENTS (1 000 000) entries and
 * verify-bundle of a BENCH_BUNDLE_ENTRIES (10 000) entry tenant.
 * BENCH_ONLY=api runs only the HTTP API under load (wrk; needs the broker for its second
 * part, ingest in the same process): BENCH_API_ENTRIES (1 000 000), BENCH_API_TENANTS
 * (10 000), BENCH_API_BACKLOG (300 000), BENCH_API_DURATION (10 s), BENCH_API_CONNECTIONS
 * (50), BENCH_API_PROFILE=DIR (the API child under --cpu-prof), BENCH_API_DIR=DIR (keep and
 * reuse the seeded files); see bench/api.bench.ts.
 */
const N = Number(process.env.BENCH_EVENTS || 200_000);
const REBUILD_N = Number(process.env.BENCH_REBUILD_EVENTS || 1_000_000);
const TRIGGERS = Number(process.env.BENCH_TRIGGERS || 1000);
const SCHEDULED = Number(process.env.BENCH_SCHEDULED || 1_000_000);
const DUE = Number(process.env.BENCH_DUE || 20_000);
const REGIONS = ['eu', 'us'];
const CHECKPOINT_N = Number(process.env.BENCH_CHECKPOINT_EVENTS || 1_000_000);
const CHECKPOINT_STREAMS = Number(process.env.BENCH_CHECKPOINT_STREAMS || 10_000);
const BUNDLE_N = Number(process.env.BENCH_BUNDLE_ENTRIES || 10_000);

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

function rebuildLines(store: string, rebuild: RebuildFigures, target: string): void {
  line(`rebuild ${store}: raw ledger scan (baseline)`, `${fmt(rebuild.scanPerSec)} entries/s`);
  line(
    `rebuild ${store}${target}`,
    `${fmt(rebuild.rebuildPerSec)} entries/s of ${fmt(rebuild.entries)}, ${fmt(rebuild.obligations)} obligations`,
  );
  line(`rebuild ${store} ÷ raw scan`, (rebuild.rebuildPerSec / rebuild.scanPerSec).toFixed(2));
  line(
    `rebuild ${store} RSS end / peak${target ? ' (< 300 MB)' : ''}`,
    `${fmt(rebuild.rssEndMb)} MB / ${fmt(rebuild.maxRssMb)} MB`,
  );
}

/** Rebuild on SQLite, then on PostgreSQL (BENCH_REBUILD_PG=0 skips it), each against a raw scan of its ledger. */
async function rebuildFigures(dir: string): Promise<void> {
  rebuildLines('SQLite', await benchRebuild(dir, REBUILD_N, 10_000), ' (target ≥ 200k/s)');
  if (process.env.BENCH_REBUILD_PG === '0') return;
  rebuildLines('PostgreSQL', await benchRebuildPg(REBUILD_N, 10_000), '');
}

async function scrapeFigures(dir: string): Promise<void> {
  const entries = Number(process.env.BENCH_SCRAPE_ENTRIES || 1_000_000);
  const obligations = Number(process.env.BENCH_SCRAPE_OBLIGATIONS || 3_000_000);
  const f = await benchScrape(dir, entries, obligations);
  line('scrape: at', `${fmt(f.entries)} entries, ${fmt(f.obligations)} obligations (SQLite)`);
  line('scrape: store reads (per scrape before)', `${f.storeReadMs.toFixed(1)} ms`);
  line('scrape: /metrics now (last reading)', `${f.scrapeMs.toFixed(2)} ms`);
  line('scrape: now ÷ before', (f.scrapeMs / f.storeReadMs).toFixed(4));
  line('scrape: store reads in the worker (wall)', `${f.tallyReadMs.toFixed(1)} ms`);
  line('scrape: event loop held meanwhile (max)', `${f.tallyLoopHeldMs.toFixed(1)} ms`);
  line('/health/ready store reads', `${f.readyMs.toFixed(2)} ms`);
}

async function pgAppendFigures(): Promise<void> {
  const pg = await benchPgAppend(N);
  line('PostgreSQL append, 1 writer', `${fmt(pg.oneWriterPerSec)} events/s of ${fmt(pg.entries)}`);
  line('PostgreSQL append, 2 writers at once', `${fmt(pg.twoWritersPerSec)} events/s`);
  line('2 writers ÷ 1 (target ≥ 1)', (pg.twoWritersPerSec / pg.oneWriterPerSec).toFixed(2));
}

/** BENCH_ONLY=subject-keys: subject part encryption against sha256 of the same bytes (libs/subject-keys, not wired yet). */
async function subjectKeysOnly(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-'));
  const f = await benchSubjectKeys(dir, Number(process.env.BENCH_SUBJECT_PARTS || 200_000));
  line(
    'machine',
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  line(`subject part sha256 (baseline, ${f.partBytes} B)`, `${fmt(f.sha256PerSec)} parts/s`);
  line('AES-256-GCM encrypt+decrypt, key in memory', `${fmt(f.cipherPerSec)} parts/s`);
  line('encrypt+decrypt ÷ sha256', (f.cipherPerSec / f.sha256PerSec).toFixed(2));
  line('SQLite store encrypt+decrypt (key per call)', `${fmt(f.storeRoundTripPerSec)} parts/s`);
  line('store round trip ÷ sha256', (f.storeRoundTripPerSec / f.sha256PerSec).toFixed(3));
  line('SQLite get-or-create, batches of 1000', `${fmt(f.pseudonymsPerSec)} subjects/s`);
  line('SQLite sealBatch (ingest path), 1000/batch', `${fmt(f.sealBatchPerSec)} parts/s`);
  line('sealBatch ÷ sha256', (f.sealBatchPerSec / f.sha256PerSec).toFixed(2));
  line('SQLite shred, batches of 100 (+ WAL cut)', `${fmt(f.shredPerSec)} subjects/s`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Append and rebuild with sealed subject parts, each as a ratio to the same run without (issue 10). */
async function sealingFigures(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-'));
  const n = Number(process.env.BENCH_SEALING_EVENTS || 100_000);
  const entries: NewEntry[] = lifecycleEntries(n, { tenants: 1000, seed: 'sealing' });
  const f = await benchSealing(dir, entries);
  line(
    'machine',
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg()[0].toFixed(2)}, node ${process.version}`,
  );
  line('sealing: entries (with a subject part)', `${fmt(f.entries)} (${fmt(f.withSubject)})`);
  line('append, plain subject parts (baseline)', `${fmt(f.plainAppendPerSec)} entries/s`);
  line('append, sealed (sealBatch per batch of 1000)', `${fmt(f.sealedAppendPerSec)} entries/s`);
  line('sealed ÷ plain append', (f.sealedAppendPerSec / f.plainAppendPerSec).toFixed(2));
  line('rebuild from the plain ledger (baseline)', `${fmt(f.plainRebuildPerSec)} entries/s`);
  line('rebuild from the sealed ledger', `${fmt(f.sealedRebuildPerSec)} entries/s`);
  line('sealed ÷ plain rebuild', (f.sealedRebuildPerSec / f.plainRebuildPerSec).toFixed(2));
  fs.rmSync(dir, { recursive: true, force: true });
}

async function proofFigures(dir: string): Promise<void> {
  const p = await benchProof(dir, CHECKPOINT_N, CHECKPOINT_STREAMS, BUNDLE_N);
  const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
  line(
    'proof: verify (baseline)',
    `${fmt(p.verifyPerSec)} entries/s over ${fmt(p.entries)} entries in ${fmt(p.streams)} streams`,
  );
  line(
    'checkpoint (verify + heads + tree + sign)',
    `${s(p.checkpointMs)} = ${fmt(p.entries / (p.checkpointMs / 1000))} entries/s`,
  );
  line('checkpoint ÷ verify time', (p.checkpointMs / (p.entries / p.verifyPerSec) / 1000).toFixed(2));
  line('… heads + Merkle tree + signature alone', `${p.signOnlyMs.toFixed(1)} ms`);
  line(`verify-bundle, ${fmt(p.bundleEntries)}-entry tenant`, `${p.verifyBundleMs.toFixed(0)} ms`);
  line('verify --tenant of it in the ledger (baseline)', `${p.tenantVerifyMs.toFixed(0)} ms`);
  line('verify-bundle ÷ tenant verify', (p.verifyBundleMs / p.tenantVerifyMs).toFixed(2));
  if (p.javaVerifyBundleMs !== undefined)
    line('… Java VerifyBundle (incl. JVM start + compile)', `${p.javaVerifyBundleMs.toFixed(0)} ms`);
}

async function dispatchFigures(kafka: Kafka, dir: string): Promise<void> {
  const d = await benchDispatch(kafka, dir, SCHEDULED, DUE);
  line('dispatch: scheduled / due', `${fmt(d.scheduled)} / ${fmt(d.due)}`);
  line('dispatch throughput (due scan + append + publish)', `${fmt(d.dispatchPerSec)} commands/s`);
  line('raw idempotent produce (baseline)', `${fmt(d.rawProducePerSec)} records/s`);
  line('dispatch ÷ raw produce', (d.dispatchPerSec / d.rawProducePerSec).toFixed(2));
  const phase = (p: DispatchPhase) =>
    `${fmt(p.perSec)} commands/s (${fmt(p.commands)}; projector ${(p.projectMs / 1000).toFixed(1)} s, ` +
    `${fmt(p.tenantsLoaded)} tenants folded)`;
  line('… projector following, warm cache (baseline)', phase(d.warm));
  line('… projector following, cold cache (≥ 10k/s)', phase(d.cold));
  line('cold ÷ warm', (d.cold.perSec / d.warm.perSec).toFixed(2));
  line(
    'due query, 1M vs small read model',
    `${d.dueQueryMsLarge.toFixed(2)} ms vs ${d.dueQueryMsSmall.toFixed(2)} ms`,
  );
}

function loadLine(label: string, f: LoadFigures, baseline?: LoadFigures): void {
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  const ratio = baseline ? `, ${(f.requestsPerSec / baseline.requestsPerSec).toFixed(2)} × baseline` : '';
  line(
    label,
    `${fmt(f.requestsPerSec)} req/s, p50 ${ms(f.p50Ms)} ms, p99 ${ms(f.p99Ms)} ms, ` +
      `${f.timeouts} timeouts, ${f.socketErrors} socket errors, ${f.non2xx} non-2xx${ratio}`,
  );
}

async function apiFigures(dir: string): Promise<void> {
  line(
    'machine',
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );
  const connections = Number(process.env.BENCH_API_CONNECTIONS || 50);
  const keep = process.env.BENCH_API_DIR;
  if (keep) fs.mkdirSync(keep, { recursive: true });
  const scenarios: ApiScenario[] = await benchApi({
    dir: keep || dir,
    entries: Number(process.env.BENCH_API_ENTRIES || 1_000_000),
    tenants: Number(process.env.BENCH_API_TENANTS || 10_000),
    backlog: Number(process.env.BENCH_API_BACKLOG || 300_000),
    durationS: Number(process.env.BENCH_API_DURATION || 10),
    connections,
    brokers: await brokers(),
    profileDir: process.env.BENCH_API_PROFILE || undefined,
    log: line,
  });
  for (const s of scenarios) {
    process.stdout.write(
      `\n${s.name}, ${connections} connections (load ${os.loadavg()[0].toFixed(2)} after)\n`,
    );
    loadLine('GET /health/live (baseline)', s.baseline);
    loadLine(`GET …/obligations (${fmt(s.bytes.obligations)} B)`, s.obligations, s.baseline);
    loadLine(`GET …/ledger?limit=100 (${fmt(s.bytes.ledgerPage)} B)`, s.ledgerPage, s.baseline);
    if (s.ingested)
      line(
        'ingest meanwhile',
        `${fmt(s.ingested.entries)} entries appended, ${fmt(s.ingested.perSec)} entries/s`,
      );
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'append') return appendOnly();
  if (process.env.BENCH_ONLY === 'pg-append') return pgAppendFigures();
  if (process.env.BENCH_ONLY === 'subject-keys') return subjectKeysOnly();
  if (process.env.BENCH_ONLY === 'sealing') return sealingFigures();
  const only = process.env.BENCH_ONLY;
  const known = ['ingest', 'ingest-scale', 'dispatch', 'rebuild', 'checkpoint', 'scrape', 'api'];
  if (only !== undefined && !known.includes(only)) {
    throw new Error(
      `unknown BENCH_ONLY=${only} (append, pg-append, subject-keys, sealing, ${known.join(', ')})`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-bench-'));
  if (only === 'scrape') {
    await scrapeFigures(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  if (only === 'api') {
    await apiFigures(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  if (only === 'checkpoint') {
    await proofFigures(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  if (only === 'rebuild') {
    await rebuildFigures(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const kafka = createKafka({ brokers: await brokers(), clientId: 'bench' });
  if (only === 'dispatch') {
    await dispatchFigures(kafka, dir);
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
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
  await produceLifecycle(producer, topics, events);
  await producer.disconnect();
  line('pre-produce (not a target)', `${fmt(N / ((Date.now() - t0) / 1000))} events/s`);

  const raw = await consumeRate(kafka, `${prefix}raw`, topics.ingestTopics(), N, async () => undefined);
  line('raw kafkajs eachBatch consume (baseline)', `${fmt(raw.perSec)} events/s`);
  line('raw consume, CPU of this process', `${raw.cpuUsPerEvent.toFixed(1)} µs/event`);

  const scale = await benchIngestScale(kafka, topics, REGIONS, prefix, dir, N);
  const ingestLines = (store: string, runs: [IngestRun, IngestRun], target: string) => {
    const [one, two] = runs;
    line(`ingest ${store}, 1 instance`, `${fmt(one.perSec)} events/s`);
    line(`ingest ${store}, 1 instance ÷ raw (target ≥ ${target})`, (one.perSec / raw.perSec).toFixed(2));
    line(`ingest ${store}, 2 instances, one group`, `${fmt(two.perSec)} events/s`);
    line(`ingest ${store}, 2 instances ÷ raw`, (two.perSec / raw.perSec).toFixed(2));
    line(`ingest ${store}, 2 ÷ 1 instances (≥ 1)`, (two.perSec / one.perSec).toFixed(2));
    line(
      `ingest ${store}, CPU of this process (1; 2)`,
      `${one.cpuUsPerEvent.toFixed(1)}; ${two.cpuUsPerEvent.toFixed(1)} µs/event`,
    );
    line(
      `ingest ${store} appended / rejected (1; 2)`,
      `${one.appended} / ${one.rejected}; ${two.appended} / ${two.rejected}`,
    );
  };
  ingestLines('SQLite', scale.sqlite, '0.4');
  ingestLines('PostgreSQL', scale.postgres, '0.3');
  if (only === 'ingest-scale') {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }

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
  await dispatchFigures(kafka, dir);

  process.stdout.write('\n');
  await proofFigures(dir);

  process.stdout.write('\n');
  await sealingFigures();

  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
