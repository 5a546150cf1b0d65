import { Kafka, Message } from 'kafkajs';
import { DeadLetterValue, issuedEventId, NewEntry, TopicNames } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { topicRecordCount } from '@app/kafka';
import { consumeAll, produce, waitFor } from './support/kafka';
import { startIngestFixture, type IngestFixture } from './support/ingest-harness';
import { kcatProduce } from './support/kcat';
import { lifecycleEvents } from './support/fixtures';
import { badRecord, FuzzRecord, prng, validValue } from './support/fuzz-records';

const REGIONS = ['eu', 'us'];
const BAD = Number(process.env.FUZZ_BAD ?? 10_000);
const VALID = 2000;
const KCAT_SHARE = 0.03;

/**
 * Issue 8, campaign 6(a): at least 10 000 generated bad records across every lifecycle
 * topic and the receipts topics, interleaved with valid events, published with kafkajs
 * and (a part) with kcat. Afterwards: the ledger holds exactly the distinct valid events,
 * every bad record is dead-lettered exactly once with a reason, the chain verifies, and
 * the consumer never crashed. Reproducible: FUZZ_SEED=<printed seed>.
 */
describe('fuzz campaign: bad input on every ingest topic', () => {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  let fixture: IngestFixture;
  let kafka: Kafka;
  let topics: TopicNames;
  let ledger: LedgerStore;
  let ingest: IngestFixture['ingest'];

  beforeAll(async () => {
    console.log(`fuzz campaign seed: FUZZ_SEED=${seed}`);
    fixture = await startIngestFixture('fuzz', { regions: REGIONS, receiptCheck: true });
    ({ kafka, topics, ledger, ingest } = fixture);
  }, 60_000);

  afterAll(() => fixture?.close());

  it(`${BAD} bad records: each dead-lettered once, the valid ones appended once, chain valid, no crash`, async () => {
    const started = Date.now();
    const r = prng(seed);
    const topicOf = (t: string) =>
      t.startsWith('receipts:')
        ? topics.receipts(t.split(':')[1])
        : topics.lifecycle(t.split(':')[1] as never);

    // Valid: lifecycle events, and receipts for commands the ledger issued.
    const issued: NewEntry[] = [];
    for (let i = 0; i < 100; i++) {
      const region = REGIONS[i % 2];
      issued.push({
        eventId: issuedEventId(`c-ok-${i}`),
        tenantId: `fz-ok-${i % 10}`,
        type: 'DeletionCommandIssued',
        occurredAt: '2026-01-01T00:00:00.000Z',
        data: {
          commandId: `c-ok-${i}`,
          obligationId: `ob-${i}`,
          region,
          store: 'main',
          issuedAt: '2026-01-01T00:00:00.000Z',
          attempt: 1,
        },
        subject: null,
        source: null,
      });
    }
    await ledger.appendBatch(issued);
    const valid: FuzzRecord[] = lifecycleEvents(VALID - 100, { tenants: 20, seed: `fz${seed}` }).map((e) => ({
      topic: `lifecycle:${e.topic}`,
      key: e.key,
      value: Buffer.from(JSON.stringify(e.value)),
      headers: (r() < 0.1 ? { 'trace-id': null } : {}) as FuzzRecord['headers'],
      kind: 'valid',
    }));
    for (let i = 0; i < 100; i++) {
      const region = REGIONS[i % 2];
      const v = { ...validValue(`receipts:${region}`, `fz-ok-${i % 10}`, 'x'), commandId: `c-ok-${i}` };
      valid.push({
        topic: `receipts:${region}`,
        key: `fz-ok-${i % 10}`,
        value: Buffer.from(JSON.stringify(v)),
        headers: {},
        kind: 'valid',
      });
    }
    const bad: FuzzRecord[] = [];
    for (let n = 0; n < BAD; n++) bad.push(badRecord(r, n, `fz-bad-${n % 10}`));

    // Interleave, then split between kafkajs and kcat (raw bytes through librdkafka). kafkajs
    // cannot send a header without a value, so those records all go through kcat.
    const all = [...valid, ...valid.slice(0, 200), ...bad].map((rec) => ({ rec, order: r() }));
    all.sort((a, b) => a.order - b.order);
    // kcat skips an empty file: empty and null values go through kafkajs, without null headers.
    for (const { rec } of all) {
      if (rec.value !== null && rec.value.length > 0) continue;
      for (const [k, v] of Object.entries(rec.headers)) if (v === null) delete rec.headers[k];
    }
    const hasNull = (rec: FuzzRecord) => Object.values(rec.headers).some((v) => v === null);
    const viaKcat = all
      .map((a) => a.rec)
      .filter((rec) => hasNull(rec) || (r() < KCAT_SHARE && rec.value !== null && rec.value.length > 0));
    const kcatSet = new Set(viaKcat);
    const byTopic = new Map<string, Message[]>();
    for (const { rec } of all) {
      if (kcatSet.has(rec)) continue;
      const list = byTopic.get(rec.topic) ?? [];
      list.push({ key: rec.key, value: rec.value, headers: rec.headers as Message['headers'] });
      byTopic.set(rec.topic, list);
    }
    await Promise.all([...byTopic].map(([t, msgs]) => produce(kafka, topicOf(t), msgs, 20)));
    // kcat sends every file of a call as one message with the call's key and headers: group
    // records by those (text and null headers only; the per-record fuzz-id is left off, so
    // these are identified by their source coordinates).
    const kcatGroups = new Map<string, { topic: string; key: string; headers: string[]; values: Buffer[] }>();
    for (const rec of viaKcat) {
      const headers = Object.entries(rec.headers)
        .filter(([k, v]) => k !== 'fuzz-id' && (v === null || typeof v === 'string'))
        .map(([k, v]) => (v === null ? k : `${k}=${v}`));
      const id = JSON.stringify([rec.topic, rec.key, headers]);
      const g = kcatGroups.get(id) ?? { topic: topicOf(rec.topic), key: rec.key ?? '', headers, values: [] };
      g.values.push(rec.value ?? Buffer.alloc(0));
      kcatGroups.set(id, g);
    }
    for (const g of kcatGroups.values()) kcatProduce(g.topic, g.key, g.headers, g.values);
    const published = Date.now();

    const validIds = new Set(
      valid
        .map((v) => JSON.parse(v.value!.toString()) as { eventId?: string; commandId?: string })
        .map((v) => v.eventId ?? v.commandId),
    );
    const expectedEntries = issued.length + validIds.size;
    await waitFor(
      () => ledger.counts(),
      (c) => c.entries >= expectedEntries,
      120_000,
      `${expectedEntries} entries`,
    );
    let dead: Awaited<ReturnType<typeof consumeAll>> = [];
    try {
      dead = await consumeAll(kafka, topics.deadLetter, bad.length, 60_000);
    } catch (err) {
      // Say what was appended instead of being dead-lettered.
      const extra: string[] = [];
      for (let after: string | undefined; ;) {
        const page = await ledger.readAll(after, 5000);
        for (const e of page.entries) if (e.tenantId.startsWith('fz-bad')) extra.push(JSON.stringify(e));
        if (page.entries.length === 0) break;
        after = page.last;
      }
      throw new Error(`${(err as Error).message}; appended bad records: ${extra.slice(0, 5).join('\n')}`);
    }
    // Anything extra would show up by now: the consumer has nothing left to read.
    await waitFor(
      () => ingest.consumer.lagTotal,
      (lag) => lag === 0,
      30_000,
      'no lag',
    );
    const admin = kafka.admin();
    await admin.connect();
    const onDeadLetterTopic = await topicRecordCount(admin, topics.deadLetter);
    let onSourceTopics = 0;
    for (const t of topics.ingestTopics()) onSourceTopics += await topicRecordCount(admin, t);
    await admin.disconnect();

    const letters = dead.map((d) => JSON.parse(d.value) as DeadLetterValue);
    const coords = new Set(letters.map((l) => `${l.topic}/${l.partition}/${l.offset}`));
    const fuzzIds = new Map<string, number>();
    for (const l of letters) {
      const id = l.headers['fuzz-id'];
      if (typeof id === 'string') fuzzIds.set(id, (fuzzIds.get(id) ?? 0) + 1);
    }
    const reasons = new Map<string, number>();
    for (const l of letters) {
      const k = l.reason.replace(/"[^"]*"|\d+/g, '…').slice(0, 60);
      reasons.set(k, (reasons.get(k) ?? 0) + 1);
    }
    const verdict = await ledger.verify();
    console.log(
      JSON.stringify({
        seed,
        fuzzed: bad.length,
        valid: validIds.size,
        resent: 200,
        onSourceTopics,
        published: all.length,
        onDeadLetterTopic,
        viaKcat: viaKcat.length,
        kcatCalls: kcatGroups.size,
        deadLettered: letters.length,
        crashes: ingest.crashes.length,
        isolated: ingest.ingestor.counters.isolated,
        publishMs: published - started,
        totalMs: Date.now() - started,
        topReasons: [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12),
      }),
    );
    expect(ingest.crashes).toEqual([]);
    expect(ingest.consumer.status).toBe('running');
    expect(await ledger.counts()).toMatchObject({ entries: expectedEntries });
    expect(verdict).toMatchObject({ ok: true, entries: expectedEntries });
    expect(onDeadLetterTopic).toBe(bad.length);
    expect(coords.size).toBe(bad.length);
    expect(letters.every((l) => l.reason.length > 0 && Date.parse(l.rejectedAt) > 0)).toBe(true);
    // Every bad record kafkajs sent, by its fuzz id, exactly once (kcat's, by coordinates above).
    expect(fuzzIds.size).toBe(bad.filter((b) => !kcatSet.has(b)).length);
    expect([...fuzzIds.values()].every((c) => c === 1)).toBe(true);
  }, 170_000);
});
