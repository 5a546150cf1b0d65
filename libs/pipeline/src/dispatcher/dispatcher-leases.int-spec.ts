import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DeletionCommand, NewEntry, POLICY_STREAM } from '@app/contracts';
import { LedgerStore, openLedger } from '@app/ledger';
import { LeaseStore, openLeaseStore, openReadModel, ReadModel } from '@app/read-model';
import { canonicalPolicyJson } from '@app/retention';
import { createProjector } from '../projector/create-projector';
import type { Projector } from '../projector/projector';
import { Dispatcher } from './dispatcher';
import { ZERO_DELAY_POLICY } from '../testing/zero-delay-policy';

const PG_URL = process.env.LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POLICY = ZERO_DELAY_POLICY;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const LEASE_MS = 30_000;
const OBLIGATIONS = 120;

function story(): NewEntry[] {
  const out: NewEntry[] = [
    {
      eventId: 'policy',
      tenantId: POLICY_STREAM,
      type: 'PolicyActivated',
      occurredAt: new Date(T0 - 1000).toISOString(),
      data: { version: POLICY.version, contentHash: 'h', policy: JSON.parse(canonicalPolicyJson(POLICY)) },
      subject: null,
      source: null,
    },
  ];
  for (let i = 0; i < OBLIGATIONS; i++) {
    const base = { tenantId: `t${i % 7}`, subject: null, source: null };
    out.push(
      {
        ...base,
        eventId: `c${i}`,
        type: 'DataCreated',
        occurredAt: new Date(T0).toISOString(),
        data: { dataId: `d${i}`, category: 'personal', region: 'eu', store: 'main' },
      },
      {
        ...base,
        eventId: `x${i}`,
        type: 'DataDeleted',
        occurredAt: new Date(T0 + 1000).toISOString(),
        data: { dataId: `d${i}`, deletedBy: 'user' },
      },
    );
  }
  return out;
}

interface Backend {
  name: string;
  ledgerUrl: string;
  readModelUrl: string;
  dispose(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-leases-'));
  return {
    name: 'SQLite',
    ledgerUrl: `sqlite:${path.join(dir, 'ledger.db')}`,
    readModelUrl: `sqlite:${path.join(dir, 'read-model.db')}`,
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresBackend(): Backend {
  const id = randomBytes(5).toString('hex');
  return {
    name: 'PostgreSQL',
    ledgerUrl: `${PG_URL}?schema=lease_ledger_${id}`,
    readModelUrl: `${PG_URL}?schema=lease_rm_${id}`,
    async dispose() {
      const c = new Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(
        `DROP SCHEMA IF EXISTS lease_ledger_${id} CASCADE; DROP SCHEMA IF EXISTS lease_rm_${id} CASCADE`,
      );
      await c.end();
    },
  };
}

/** One dispatcher process: its own ledger and read-model connections and lease holder. */
interface Instance {
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

describe.each([sqliteBackend, postgresBackend])('two dispatchers on one read model (%p)', (make) => {
  let backend: Backend;
  let ledger: LedgerStore;
  let readModel: ReadModel;
  let projector: Projector;
  let now = T0 + 2000;
  const published: DeletionCommand[] = [];
  const opened: Instance[] = [];

  async function instance(holder: string, crashAfterAppend = false): Promise<Instance> {
    const ownLedger = await openLedger(backend.ledgerUrl);
    const ownReadModel = await openReadModel(backend.readModelUrl);
    const leases: LeaseStore = await openLeaseStore(backend.readModelUrl);
    const dispatcher = new Dispatcher(
      {
        ledger: ownLedger,
        readModel: ownReadModel,
        now: () => new Date(now),
        publish: async (commands) => {
          // Slow enough that the other dispatcher's pass runs while this one publishes.
          await new Promise((r) => setTimeout(r, 5));
          published.push(...commands);
        },
        findIssued: (id) => ownLedger.findByEventId(id),
        claim: (names) => leases.claim(names, holder, now, LEASE_MS),
        recoverEveryMs: 1000,
        afterAppend: crashAfterAppend
          ? () => {
              throw new Error('killed between append and publish');
            }
          : undefined,
      },
      { batchSize: 50, maxAttempts: 2, retryBaseMs: 10_000, receiptTimeoutMs: 3_600_000 },
    );
    const inst = {
      dispatcher,
      close: async () => {
        await leases.close();
        await ownReadModel.close();
        await ownLedger.close();
      },
    };
    opened.push(inst);
    return inst;
  }

  beforeAll(async () => {
    backend = make();
    ledger = await openLedger(backend.ledgerUrl);
    readModel = await openReadModel(backend.readModelUrl);
    projector = createProjector(ledger, readModel, 'follow', { batchSize: 500 });
  });
  afterAll(async () => {
    for (const i of opened) await i.close();
    await readModel.close();
    await ledger.close();
    await backend.dispose();
  });

  const settle = async () => {
    while ((await projector.step()).entries > 0);
  };

  it('publishes each command once while both pass over the same due obligations at once', async () => {
    await ledger.appendBatch(story());
    await settle();
    const [a, b] = [await instance('a'), await instance('b')];
    // Both passes of a round see the same due obligations (the projector moves between rounds).
    for (let round = 0; round < 6; round++) {
      await Promise.all([a.dispatcher.tick(), b.dispatcher.tick()]);
      await settle();
    }
    const ids = published.map((c) => c.commandId);
    expect(ids).toHaveLength(OBLIGATIONS);
    expect(new Set(ids).size).toBe(OBLIGATIONS);
    // Who got what depends on timing (on SQLite the first claim of a round takes all); the sum never does.
    expect(a.dispatcher.counters.published + b.dispatcher.counters.published).toBe(OBLIGATIONS);
  });

  it("takes over a dead dispatcher's issued commands once its leases expire, not before", async () => {
    // Failed receipts make every obligation due for attempt 2.
    await settle();
    const failures: NewEntry[] = published.map((c, i) => ({
      eventId: `f${i}`,
      tenantId: c.tenantId,
      type: 'DeletionFailed',
      occurredAt: new Date(now).toISOString(),
      data: {
        commandId: c.commandId,
        region: 'eu',
        store: 'main',
        completedAt: new Date(now).toISOString(),
        error: 'x',
      },
      subject: null,
      source: null,
    }));
    await ledger.appendBatch(failures);
    await settle();
    published.length = 0;
    now += 20_000;
    const dying = await instance('dying', true);
    await expect(dying.dispatcher.tick()).rejects.toThrow('killed');
    await settle();
    const orphaned = (await readModel.withStatus('issued', 1000)).map((o) => o.obligationId);
    expect(orphaned).toHaveLength(50);
    const survivor = await instance('survivor');
    await survivor.dispatcher.tick(); // may take other work, not the dead one's leased commands
    await settle();
    expect(published.filter((c) => orphaned.includes(c.obligationId))).toEqual([]);
    now += LEASE_MS;
    for (let i = 0; i < 4; i++) {
      now += 1000;
      await survivor.dispatcher.tick();
      await settle();
    }
    const taken = published.filter((c) => orphaned.includes(c.obligationId)).map((c) => c.obligationId);
    expect(taken.sort()).toEqual([...orphaned].sort());
    const ids = published.map((c) => c.commandId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
