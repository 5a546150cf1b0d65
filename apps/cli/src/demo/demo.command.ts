import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { createLogger, loadConfig, type AppConfig, type Logger } from '@app/config';
import { TopicNames } from '@app/contracts';
import { RegionalStore } from '@app/regional-store';
import { renderHtml, tenantAuditReport } from '@app/reports';
import { startRuntime, type Runtime } from '../runtime';
import { DEMO_POLICY_YAML } from './demo-policy';
import { DEMO_TENANTS, demoStory } from './story';
import { DemoDisplay } from './demo-display';
import { checkStores } from './store-check';

const TIMEOUT_MS = 110_000;
const TERMINAL = new Set(['confirmed', 'cancelled']);

/**
 * `retention-ledger demo`: the whole story on a laptop, in one process — the local
 * broker, ingest, projector, dispatcher and two reference regional stores (eu, us) —
 * with a compressed policy. Exit 0 only if every obligation was met, the stores hold
 * exactly what they should, and `verify` passes.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run the whole story with a compressed policy; exit 0 only if every promise was kept')
    .option('--dir <dir>', 'where the demo keeps its databases and log', './data')
    .action(async (opts: { dir: string }) => {
      process.exitCode = await runDemo(opts.dir);
    });
}

export async function runDemo(baseDir: string): Promise<number> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const dir = path.resolve(baseDir, `demo-${stamp}`);
  const config = demoConfig(dir, stamp);
  const log = createLogger(config.logLevel, 'retention-ledger', path.join(dir, 'demo.log'));
  const show = new DemoDisplay(process.stdout);
  show.say(`Retention ledger demo — data and logs in ${dir}`);
  show.say(
    'Starting the local Kafka broker (if needed), ingest, projector, dispatcher and two regional stores…',
  );

  // The API is left out: a second demo, or a service already on API_PORT, must not stop it.
  const runtime = await startRuntime(config, ['ingest', 'projector', 'dispatcher'], { log });
  const stores = regionalStores(runtime, config, dir, log);
  let storesStopped = false;
  let brokerStopped = false;
  const stopAll = async () => {
    if (!storesStopped) {
      storesStopped = true;
      for (const s of Object.values(stores)) await s.stop();
    }
    await runtime.stop();
    // The demo stops the local broker it started, so a second checkout's `npm test` finds 19092 free.
    if (runtime.stopStartedBroker && !brokerStopped) {
      brokerStopped = true;
      await runtime.stopStartedBroker();
    }
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    for (const s of Object.values(stores)) await s.start();
    const { expect, finished, heldOk } = await playStory(runtime, config, stores, show, stamp);
    const storeProblems = checkStores(stores, expect);
    await stopAll();

    show.say('');
    show.say('Audit summary (from the ledger, with the same fold the projector runs):');
    const audit = await auditSummary(config.ledgerUrl, dir, storeProblems, show);
    const allMet = finished && heldOk && storeProblems.length === 0 && audit.ok;
    show.say(allMet ? '\nEvery promise was kept. ✓' : '\nSome promise was not kept. ✗');
    show.say('The audit reports, to open in a browser:');
    for (const file of audit.reports) show.say(`  file://${file}`);
    if (brokerStopped) show.say('Stopped the local Kafka broker the demo had started.');
    else if (!config.kafkaBrokers) {
      show.say(
        'The local Kafka broker was running before the demo and still is: npm run kafka:stop stops it.',
      );
    }
    show.say(
      `Look closer: LEDGER_URL=sqlite:${path.join(dir, 'ledger.db')} npm run -s cli -- audit --tenant acme`,
    );
    show.say(
      `Preview a policy change: LEDGER_URL=sqlite:${path.join(dir, 'ledger.db')} npm run -s cli -- policy diff FILE`,
    );
    return allMet ? 0 : 1;
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/** The demo's own directory, topics and compressed policy; everything else from the environment. */
function demoConfig(dir: string, stamp: string): AppConfig {
  fs.mkdirSync(dir, { recursive: true });
  const policyFile = path.join(dir, 'demo-policy.yaml');
  fs.writeFileSync(policyFile, DEMO_POLICY_YAML);
  return loadConfig({
    ...process.env,
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    CHECKPOINT_KEY: process.env.CHECKPOINT_KEY || path.join(dir, 'checkpoint-key.pem'),
    RETENTION_POLICY: policyFile,
    REGIONS: 'eu,us',
    TOPIC_PREFIX: `demo-${stamp}.`,
    DISPATCH_INTERVAL: 'PT0.2S',
    DISPATCH_RETRY_BACKOFF: 'PT1S',
  });
}

/** One reference regional store per configured region, on the runtime's broker. */
function regionalStores(runtime: Runtime, config: AppConfig, dir: string, log: Logger) {
  const topics = new TopicNames(config.topicPrefix, config.regions);
  return Object.fromEntries(
    config.regions.map((region) => [
      region,
      new RegionalStore({
        kafka: runtime.core.kafka,
        region,
        topics,
        dbPath: path.join(dir, `store-${region}.db`),
        groupId: `${config.topicPrefix}regional-store-${region}`,
        logger: log.child({ component: `regional-store-${region}` }),
      }),
    ]),
  ) as Record<string, RegionalStore>;
}

/**
 * Publishes the story's events on its schedule, checks just before the hold's release that
 * the held rows are still there, then waits until every obligation is final.
 */
async function playStory(
  runtime: Runtime,
  config: AppConfig,
  stores: Record<string, RegionalStore>,
  show: DemoDisplay,
  stamp: string,
) {
  const { kafka, readModel } = runtime.core;
  const topics = new TopicNames(config.topicPrefix, config.regions);
  const { events, expect } = demoStory(`demo-${stamp}`);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  show.say(`Policy ${'demo-compressed-1'}: one day lasts 0.1 s (30 days = 3 s). The story:`);
  let heldChecked = false;
  let heldOk = true;
  for (const ev of events) {
    const wait = started + ev.atMs - Date.now();
    if (wait > 0) await show.live(wait, () => progress(readModel, stores));
    if (!heldChecked && ev.atMs >= expect.releaseAtMs) {
      // Just before the release: the held rows must still be there.
      heldChecked = true;
      heldOk = expect.heldUntilRelease.every((r) =>
        stores[r.region].rows(r.tenantId).some((x) => x.dataId === r.dataId),
      );
      show.say(
        heldOk
          ? '  ✓ held data untouched while the hold was active'
          : '  ✗ held data was deleted during the hold',
      );
    }
    const value = { ...ev.value, occurredAt: new Date().toISOString() };
    await producer.send({
      topic: topics.lifecycle(ev.topic),
      acks: -1,
      messages: [{ key: String(ev.value.tenantId), value: JSON.stringify(value) }],
    });
    show.say(`  +${((Date.now() - started) / 1000).toFixed(1)}s  ${ev.note}`);
  }
  await producer.disconnect();

  show.say('Waiting until every obligation is confirmed or cancelled (audit logs expire last)…');
  const finished = await waitUntil(
    started + TIMEOUT_MS,
    show,
    async () => {
      const all = (await Promise.all(DEMO_TENANTS.map((t) => readModel.obligations(t)))).flat();
      return all.length > 0 && all.every((o) => TERMINAL.has(o.status));
    },
    () => progress(readModel, stores),
  );
  if (!finished) show.say(`✗ not finished within ${TIMEOUT_MS / 1000} s`);
  return { expect, finished, heldOk };
}

/** Each tenant's audit report (also written as HTML), the stores' verdict and `verify`, from the ledger reopened. */
async function auditSummary(
  ledgerUrl: string,
  dir: string,
  storeProblems: string[],
  show: DemoDisplay,
): Promise<{ ok: boolean; reports: string[] }> {
  let ok = true;
  const reopened = await import('@app/ledger').then((m) => m.openLedger(ledgerUrl));
  const reports: string[] = [];
  try {
    for (const tenantId of DEMO_TENANTS) {
      const now = new Date();
      const report = await tenantAuditReport(reopened, tenantId, { now });
      // Each tenant's report as the auditor gets it: one self-contained HTML page.
      const file = path.join(dir, `audit-${tenantId}.html`);
      fs.writeFileSync(file, renderHtml(report, { generatedAt: now }));
      reports.push(file);
      const s = report.summary;
      const met = s.breached === 0 && s.pending === 0 && s.held === 0 && s.total > 0;
      ok &&= met;
      show.say(
        `  ${met ? '✓' : '✗'} ${tenantId.padEnd(8)} ${s.total} obligations: ${s.met} met, ${s.cancelled} cancelled, ${s.breached} breached, ${s.pending} pending, ${s.held} held`,
      );
    }
    for (const p of storeProblems) show.say(`  ✗ ${p}`);
    if (storeProblems.length === 0) {
      show.say(
        '  ✓ regional stores: deleted rows are gone, audit logs outlived user deletions, the reactivated tenant kept its data',
      );
    }
    const verdict = await reopened.verify();
    if (verdict.ok) show.say(`  ✓ verify: ok: ${verdict.entries} entries in ${verdict.streams} streams`);
    else
      show.say(
        `  ✗ verify: broken: tenant ${verdict.tenantId} position ${verdict.position}: ${verdict.reason}`,
      );
    ok &&= verdict.ok;
  } finally {
    await reopened.close();
  }
  return { ok, reports };
}

async function progress(
  readModel: { countsByStatus(): Promise<Record<string, number>> },
  stores: Record<string, RegionalStore>,
): Promise<string> {
  const counts = await readModel.countsByStatus();
  const rows = Object.entries(stores).map(([region, s]) => `${region} ${s.rows().length} rows`);
  const statuses = ['scheduled', 'held', 'issued', 'failed', 'confirmed', 'cancelled']
    .filter((k) => counts[k])
    .map((k) => `${k} ${counts[k]}`);
  return `obligations: ${statuses.join(', ') || 'none yet'} | stores: ${rows.join(', ')}`;
}

async function waitUntil(
  deadline: number,
  show: DemoDisplay,
  done: () => Promise<boolean>,
  status: () => Promise<string>,
): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await done()) {
      show.live(0, status);
      return true;
    }
    await show.live(500, status);
  }
  return false;
}
