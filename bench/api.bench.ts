import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TopicNames } from '@app/contracts';
import { createKafka, ensureTopics } from '@app/kafka';
import { openLedger, SqliteLedgerStore } from '@app/ledger';
import { createProjector } from '@app/pipeline';
import { openKeyStore, openReadModel } from '@app/read-model';
import { lifecycleEvents } from '../test/support/fixtures';
import { lifecycleEntries } from '../test/support/ledger-facts';
import { produceLifecycle } from './kafka-bench';
import { LoadFigures, runWrk, wrkBinary } from './wrk';

/*
 * The audit API under load (BENCH_ONLY=api): a real HTTP load generator (Debian's wrk)
 * against `retention-ledger run --only api` in a child process, on a SQLite ledger of
 * BENCH_API_ENTRIES (1 000 000) entries over BENCH_API_TENANTS (10 000) tenants with the
 * read model rebuilt from it; then `run --only api,ingest` while ingest works through a
 * backlog of BENCH_API_BACKLOG (300 000) events on the broker. The baseline in the same
 * run is `GET /health/live` (no key, no store: Express + Nest + the socket alone).
 * BENCH_API_DURATION (10 s) per load, BENCH_API_CONNECTIONS (50). BENCH_API_PROFILE=DIR
 * runs the API child under `node --cpu-prof` into DIR (summary: bench/profile-summary).
 * BENCH_API_DIR=DIR keeps the seeded ledger and read model there for the next run.
 */

export interface ApiBenchOptions {
  dir: string;
  entries: number;
  tenants: number;
  backlog: number;
  durationS: number;
  connections: number;
  brokers: string[];
  profileDir?: string;
  log: (label: string, value: string) => void;
}

export interface ApiScenario {
  name: string;
  baseline: LoadFigures;
  obligations: LoadFigures;
  ledgerPage: LoadFigures;
  /** With ingest: entries ingest appended while the loads ran, and its rate then. */
  ingested?: { entries: number; perSec: number };
  /** Bytes of one answer of each (a sample), so req/s can be read as bytes too. */
  bytes: { obligations: number; ledgerPage: number };
}

const CLI = path.join(__dirname, '..', 'apps', 'cli', 'src', 'main.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A 1 M-entry ledger in process (bulk appends as ledger.bench), the read model folded from
 * it, one key. Seeded once into `*.seed.db` files and copied for each run: the ingest scenario
 * appends to the copy, so a later run with BENCH_API_DIR measures the same ledger again
 * (reusing the grown files measured a larger ledger, and a backlog it had already).
 */
async function seed(
  o: ApiBenchOptions,
  env: Record<string, string>,
): Promise<{ key: string; seedS: number }> {
  const started = performance.now();
  const ledgerFile = env.LEDGER_URL.slice('sqlite:'.length);
  const readModelFile = env.READ_MODEL_URL.slice('sqlite:'.length);
  const seedOf = (file: string) => file.replace(/\.db$/, '.seed.db');
  if (!fs.existsSync(seedOf(ledgerFile))) {
    // A throwaway ledger: no fsync per batch (the API's reads are what is measured).
    const ledger = new SqliteLedgerStore(seedOf(ledgerFile), { synchronous: 'NORMAL' });
    const all = lifecycleEntries(o.entries, { tenants: o.tenants, seed: 'api' });
    for (let i = 0; i < all.length; i += 50_000) await ledger.appendBatch(all.slice(i, i + 50_000));
    await ledger.close();
  }
  if (!fs.existsSync(seedOf(readModelFile))) {
    const ledger = await openLedger(`sqlite:${seedOf(ledgerFile)}`);
    const readModel = await openReadModel(`sqlite:${seedOf(readModelFile)}`);
    await createProjector(ledger, readModel, 'rebuild').rebuild();
    await readModel.close();
    await ledger.close();
  }
  for (const file of [ledgerFile, readModelFile]) {
    for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    fs.copyFileSync(seedOf(file), file);
  }
  const keys = await openKeyStore(env.READ_MODEL_URL);
  const { key } = await keys.create({ role: 'auditor', tenantId: null }, new Date());
  await keys.close();
  return { key, seedS: (performance.now() - started) / 1000 };
}

async function produceBacklog(o: ApiBenchOptions, prefix: string): Promise<void> {
  const kafka = createKafka({ brokers: o.brokers, clientId: 'bench-api' });
  const topics = new TopicNames(prefix, ['eu', 'us']);
  await ensureTopics(kafka, topics.allTopics());
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  // Tenants of the seeded ledger (so appends extend long streams), event ids of their own.
  const events = lifecycleEvents(o.backlog, { tenants: o.tenants, seed: 'api' }).map((e, i) => ({
    ...e,
    value: { ...e.value, eventId: `backlog-${i}` },
  }));
  await produceLifecycle(producer, topics, events);
  await producer.disconnect();
}

async function waitLive(base: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}):\n${stderr()}`);
    const ok = await fetch(`${base}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API did not answer /health/live within 120 s:\n${stderr()}`);
}

function startApi(
  services: string,
  env: Record<string, string>,
  profileDir: string | undefined,
): { child: ChildProcess; stderr: () => string } {
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...flags, CLI, 'run', '--only', services], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
  return { child, stderr: () => err };
}

async function stopApi(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function ledgerEntries(url: string): Promise<number> {
  const ledger = await openLedger(url);
  try {
    return (await ledger.counts()).entries;
  } finally {
    await ledger.close();
  }
}

async function scenario(
  o: ApiBenchOptions,
  name: string,
  services: string,
  env: Record<string, string>,
  key: string,
): Promise<ApiScenario> {
  const wrk = wrkBinary();
  const base = `http://127.0.0.1:${env.API_PORT}`;
  const { child, stderr } = startApi(services, env, o.profileDir);
  try {
    await waitLive(base, child, stderr);
    const auth = { Authorization: `Bearer ${key}` };
    const tenants = Array.from(
      { length: Math.min(100, o.tenants) },
      (_, t) => `tenant-api-${t * Math.floor(o.tenants / 100 || 1)}`,
    );
    const bytes = {
      obligations: (
        await (await fetch(`${base}/v1/tenants/${tenants[0]}/obligations`, { headers: auth })).text()
      ).length,
      ledgerPage: (
        await (await fetch(`${base}/v1/tenants/${tenants[0]}/ledger?limit=100`, { headers: auth })).text()
      ).length,
    };
    const before = services.includes('ingest') ? await ledgerEntries(env.LEDGER_URL) : 0;
    const started = performance.now();
    const load = { connections: o.connections, threads: 2, durationS: o.durationS, timeoutS: 2 };
    const baseline = await runWrk(wrk, base, { ...load, paths: ['/health/live'] }, o.dir);
    const obligations = await runWrk(
      wrk,
      base,
      { ...load, headers: auth, paths: tenants.map((t) => `/v1/tenants/${t}/obligations`) },
      o.dir,
    );
    const ledgerPage = await runWrk(
      wrk,
      base,
      { ...load, headers: auth, paths: tenants.map((t) => `/v1/tenants/${t}/ledger?limit=100`) },
      o.dir,
    );
    const ingested = services.includes('ingest')
      ? await ledgerEntries(env.LEDGER_URL).then((after) => ({
          entries: after - before,
          perSec: (after - before) / ((performance.now() - started) / 1000),
        }))
      : undefined;
    return { name, baseline, obligations, ledgerPage, ingested, bytes };
  } finally {
    await stopApi(child);
  }
}

export async function benchApi(o: ApiBenchOptions): Promise<ApiScenario[]> {
  const prefix = `benchapi${Date.now().toString(36)}.`;
  const env: Record<string, string> = {
    LEDGER_URL: `sqlite:${path.join(o.dir, 'api-ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(o.dir, 'api-read-model.db')}`,
    SUBJECT_KEYS_URL: `sqlite:${path.join(o.dir, 'api-subject-keys.db')}`,
    CHECKPOINT_KEY: path.join(o.dir, 'api-checkpoint-key.pem'),
    KAFKA_BROKERS: o.brokers.join(','),
    TOPIC_PREFIX: prefix,
    API_PORT: String(await freePort()),
    // One client address sends everything: the per-address limits would answer 429.
    API_RATE_LIMIT: '1000000',
    API_AUTH_FAILURE_LIMIT: '1000000',
    // The periodic verify is a child process of its own; here it would only take a core.
    VERIFY_INTERVAL: 'off',
    LOG_LEVEL: 'warn',
  };
  if (o.profileDir) fs.mkdirSync(o.profileDir, { recursive: true });
  const { key, seedS } = await seed(o, env);
  o.log(
    'api: seeded',
    `${o.entries.toLocaleString('en-US')} entries, ${o.tenants} tenants in ${seedS.toFixed(0)} s`,
  );
  const alone = await scenario(o, 'API alone', 'api', env, key);
  await produceBacklog(o, prefix);
  const withIngest = await scenario(o, 'API + ingest', 'api,ingest', env, key);
  return [alone, withIngest];
}
