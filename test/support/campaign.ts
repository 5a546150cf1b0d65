import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Kafka } from 'kafkajs';
import { POLICY_STREAM, TopicNames } from '@app/contracts';
import { LedgerStore, openLedger } from '@app/ledger';
import { ObligationRecord, openReadModel, ReadModel } from '@app/read-model';
import { createProjector } from '@app/pipeline';
import { FixtureEvent, lifecycleEvents } from './fixtures';
import { randomBytes } from 'node:crypto';
import { produce, waitFor } from './kafka';
import { exited, startCli } from './cli-process';

/** mulberry32: a small seeded generator, so a campaign's kill points replay from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CAMPAIGN_SEED replays a run; otherwise a fresh seed, printed so that a failure can be replayed. */
export function campaignSeed(name: string): number {
  const seed = process.env.CAMPAIGN_SEED
    ? Number(process.env.CAMPAIGN_SEED)
    : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`[campaign ${name}] seed ${seed} (CAMPAIGN_SEED=${seed} replays it)\n`);
  return seed;
}

/**
 * `n` valid events for a campaign: 47 tenants by default (prime to the fixture's 10 kinds,
 * so every tenant gets every kind; other counts spread the kinds), no legal holds (they
 * would keep most obligations from coming due), and user deletions only in the last
 * `userDeletionsIn` (3 000) events — data created after its subject's deletion is due at
 * once, so earlier ones would make ten thousand commands. What is left gives the
 * dispatcher several hundred commands to issue under the faults.
 */
export function campaignEvents(
  n: number,
  seed: string,
  regions = ['eu', 'us'],
  opts: { tenants?: number; userDeletionsIn?: number } = {},
): FixtureEvent[] {
  const tenants = opts.tenants ?? 47;
  const deletionsFrom = n - (opts.userDeletionsIn ?? 3000);
  const spreadKinds = tenants % 2 === 0 || tenants % 5 === 0;
  const out: FixtureEvent[] = [];
  for (const e of lifecycleEvents(Math.ceil(n * 1.3), { tenants, seed, regions, spreadKinds })) {
    if (out.length >= n) break;
    if (e.topic === 'legal-hold' || (e.topic === 'user-deleted' && out.length < deletionsFrom)) continue;
    out.push(e);
  }
  if (out.length !== n) throw new Error(`campaignEvents: only ${out.length} of ${n}`);
  return out;
}

/** One `retention-ledger run --only …` process that a campaign kills and starts again. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  starts = 0;
  kills = 0;

  constructor(
    readonly services: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  /** The running (or last) process's pid: lease holders name it (`role@host:pid:…`). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.child = startCli(['run', '--only', this.services], this.env, this.logFile);
    this.starts++;
  }

  /**
   * Waits until the process logged that it runs (LOG_LEVEL info): start-up is over, and a
   * SIGTERM now stops it cleanly (before, it only ends it: the handler is not installed yet).
   */
  async running(timeoutMs: number): Promise<void> {
    const marker = `"pid":${this.pid},`;
    await waitFor(
      () => {
        this.assertAlive();
        return fs
          .readFileSync(this.logFile, 'utf8')
          .split('\n')
          .some((line) => line.includes(marker) && line.includes('retention-ledger running'));
      },
      Boolean,
      timeoutMs,
      `run --only ${this.services} (pid ${this.pid}) to be running`,
    );
  }

  /** Fails a wait at once if the process died by itself (what no fault may cause). */
  assertAlive(): void {
    const c = this.child;
    if (c && (c.exitCode !== null || (c.signalCode !== null && c.signalCode !== 'SIGKILL')))
      throw new Error(
        `run --only ${this.services} exited by itself (code ${c.exitCode}, signal ${c.signalCode})`,
      );
  }

  async kill(): Promise<void> {
    if (!this.child) return;
    this.assertAlive();
    this.child.kill('SIGKILL');
    await exited(this.child);
    this.kills++;
  }

  /** SIGTERM: the clean stop must work after everything the campaign did. */
  async stop(): Promise<number | null> {
    if (!this.child) return null;
    this.assertAlive();
    this.child.kill('SIGTERM');
    return exited(this.child);
  }

  async dispose(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exited(c);
    }
  }
}

/** Produces the events to their lifecycle topics, in `chunks` slices (a stream, not one burst). */
export async function produceEvents(kafka: Kafka, topics: TopicNames, events: FixtureEvent[]): Promise<void> {
  const byTopic = new Map<string, Array<{ key: string; value: string }>>();
  for (const e of events) {
    const t = topics.lifecycle(e.topic);
    let list = byTopic.get(t);
    if (!list) byTopic.set(t, (list = []));
    list.push({ key: e.key, value: JSON.stringify(e.value) });
  }
  for (const [topic, msgs] of byTopic) await produce(kafka, topic, msgs, 5000);
}

async function withStores<T>(
  ledgerUrl: string,
  readModelUrl: string,
  fn: (ledger: LedgerStore, readModel: ReadModel) => Promise<T>,
): Promise<T> {
  const ledger = await openLedger(ledgerUrl);
  const readModel = await openReadModel(readModelUrl);
  try {
    return await fn(ledger, readModel);
  } finally {
    await readModel.close();
    await ledger.close();
  }
}

interface LedgerScan {
  producerIds: Set<string>;
  entries: number;
  tenants: Set<string>;
  /** obligationId/attempt → DeletionCommandIssued entries. */
  issuedPerAttempt: Map<string, number>;
  commands: Map<string, string>;
}

async function scanLedger(ledger: LedgerStore): Promise<LedgerScan> {
  const scan: LedgerScan = {
    producerIds: new Set(),
    entries: 0,
    tenants: new Set(),
    issuedPerAttempt: new Map(),
    commands: new Map(),
  };
  let after: string | undefined;
  for (;;) {
    const page = await ledger.readAll(after, 10_000);
    for (const e of page.entries) {
      scan.entries++;
      if (e.tenantId === POLICY_STREAM) continue;
      scan.tenants.add(e.tenantId);
      if (e.type === 'DeletionCommandIssued') {
        const d = e.data as { obligationId: string; attempt: number; commandId: string; region: string };
        const key = `${d.obligationId}/${d.attempt}`;
        scan.issuedPerAttempt.set(key, (scan.issuedPerAttempt.get(key) ?? 0) + 1);
        scan.commands.set(d.commandId, d.region);
      } else {
        scan.producerIds.add(e.eventId);
      }
    }
    if (page.entries.length === 0 || page.last === undefined) return scan;
    after = page.last;
  }
}

/**
 * Waits until the pipeline has settled: every event in the ledger, the read model at the
 * ledger's head, nothing due left unissued and every issued command marked published.
 */
export async function waitSettled(opts: {
  ledgerUrl: string;
  readModelUrl: string;
  events: number;
  timeoutMs: number;
  alive: () => void;
}): Promise<void> {
  await waitFor(
    () => {
      opts.alive();
      return withStores(opts.ledgerUrl, opts.readModelUrl, async (ledger, readModel) => {
        const counts = await ledger.counts();
        const head = await ledger.lastPosition();
        const checkpoint = await readModel.checkpoint();
        const due = (await readModel.due(new Date(), 1)).length;
        const unpublished = (await readModel.unpublishedIssued(1)).length;
        return { entries: counts.entries, head, checkpoint, due, unpublished };
      }).catch((err: unknown) => ({ error: String(err) }));
    },
    (s) =>
      'entries' in s &&
      s.entries > opts.events &&
      // Both undefined is no answer: an open append of the ledger keeps the high-water
      // mark (and so the projector) below every entry until it commits.
      s.head !== undefined &&
      s.head === s.checkpoint &&
      s.due === 0 &&
      s.unpublished === 0,
    opts.timeoutMs,
    'the pipeline to settle',
  );
  // Settled twice in a row, with the services still running: no change in flight.
  await new Promise((r) => setTimeout(r, 1000));
}

export interface CampaignFigures {
  events: number;
  ledgerEntries: number;
  lost: number;
  duplicated: number;
  commands: number;
}

/**
 * The campaign's after-checks (issue 8, item 6): ledger entries = distinct valid events,
 * chain valid, read model equal to a rebuild, exactly one DeletionCommandIssued per
 * obligation and attempt, every issued command on its region's topic.
 */
export async function checkCampaign(opts: {
  ledgerUrl: string;
  readModelUrl: string;
  rebuildUrl: string;
  events: FixtureEvent[];
  kafka: Kafka;
  topics: TopicNames;
  regions: string[];
}): Promise<CampaignFigures> {
  const expected = new Set(opts.events.map((e) => String(e.value.eventId)));
  return withStores(opts.ledgerUrl, opts.readModelUrl, async (ledger, readModel) => {
    const scan = await scanLedger(ledger);
    const lost = [...expected].filter((id) => !scan.producerIds.has(id)).length;
    const unexpected = [...scan.producerIds].filter((id) => !expected.has(id)).length;
    const duplicated = [...scan.issuedPerAttempt.values()].filter((n) => n > 1).length;
    expect({ lost, unexpected, duplicated }).toEqual({ lost: 0, unexpected: 0, duplicated: 0 });
    // Producer events, the policy, and one entry per command (no other system entry without receipts).
    expect(scan.entries).toBe(expected.size + 1 + scan.commands.size);
    expect(await ledger.verify()).toMatchObject({ ok: true, entries: scan.entries });

    const rebuilt = await openReadModel(opts.rebuildUrl);
    try {
      await createProjector(ledger, rebuilt, 'rebuild').rebuild();
      let compared = 0;
      for (const tenantId of scan.tenants) {
        const live: ObligationRecord[] = await readModel.obligations(tenantId);
        expect({ tenantId, obligations: live }).toEqual({
          tenantId,
          obligations: await rebuilt.obligations(tenantId),
        });
        compared += live.length;
      }
      expect(await rebuilt.countsByStatus()).toEqual(await readModel.countsByStatus());
      expect(compared).toBeGreaterThan(0);
    } finally {
      await rebuilt.close();
    }

    for (const region of opts.regions) {
      const want = [...scan.commands].filter(([, r]) => r === region).map(([id]) => id);
      if (want.length === 0) continue;
      const seen = await commandIdsOn(opts.kafka, opts.topics.commands(region), new Set(want), 60_000);
      const missing = want.filter((id) => !seen.has(id));
      expect({ region, missing: missing.length }).toEqual({ region, missing: 0 });
    }
    return {
      events: expected.size,
      ledgerEntries: scan.entries,
      lost,
      duplicated,
      commands: scan.commands.size,
    };
  });
}

/**
 * The end of every campaign: wait until the pipeline settled with the services still
 * running, stop them cleanly (exit 0), then run the after-checks with a rebuild next to
 * the test's files in `dir`.
 */
export async function settleAndCheck(opts: {
  env: NodeJS.ProcessEnv;
  dir: string;
  services: ServiceProcess[];
  events: FixtureEvent[];
  kafka: Kafka;
  topics: TopicNames;
  regions: string[];
  timeoutMs: number;
  /** Where the after-check rebuilds; default a SQLite file in `dir`. */
  rebuildUrl?: string;
}): Promise<CampaignFigures & { settledAt: number }> {
  const urls = { ledgerUrl: opts.env.LEDGER_URL!, readModelUrl: opts.env.READ_MODEL_URL! };
  await waitSettled({
    ...urls,
    events: opts.events.length,
    timeoutMs: opts.timeoutMs,
    alive: () => opts.services.forEach((s) => s.assertAlive()),
  });
  for (const s of opts.services) expect(await s.stop()).toBe(0);
  const settledAt = Date.now();
  const figures = await checkCampaign({
    ...urls,
    rebuildUrl: opts.rebuildUrl ?? `sqlite:${path.join(opts.dir, 'rebuilt.db')}`,
    events: opts.events,
    kafka: opts.kafka,
    topics: opts.topics,
    regions: opts.regions,
  });
  return { ...figures, settledAt };
}

/**
 * Reads a command topic from the start until every wanted commandId was seen (or the
 * timeout): republished commands may be on it more than once, which stores absorb.
 */
async function commandIdsOn(
  kafka: Kafka,
  topic: string,
  want: Set<string>,
  timeoutMs: number,
): Promise<Set<string>> {
  const seen = new Set<string>();
  const consumer = kafka.consumer({ groupId: `${topic}-check-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let missing = want.size;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = (JSON.parse(message.value?.toString() ?? '{}') as { commandId?: string }).commandId;
      if (id && want.has(id) && !seen.has(id)) {
        seen.add(id);
        missing--;
      }
    },
  });
  try {
    await waitFor(
      () => missing,
      (n) => n === 0,
      timeoutMs,
      `every command on ${topic}`,
    ).catch(() => undefined);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

export function report(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(`[campaign ${name}] ${JSON.stringify(figures)}\n`);
}
