import { Kafka } from 'kafkajs';
import { DeadLetterValue, TopicNames } from '@app/contracts';
import type { LedgerStore } from '@app/ledger';
import { topicRecordCount } from '@app/kafka';
import { startIngestFixture, type IngestFixture } from './support/ingest-harness';
import { holdReleaseCheck } from '@app/pipeline';
import { consumeAll, produce, waitFor } from './support/kafka';
import { lifecycleEvents } from './support/fixtures';

const REGIONS = ['eu', 'us'];
const MAX_BYTES = 8 * 1024;

describe('ingest on the real broker', () => {
  let fixture: IngestFixture;
  let kafka: Kafka;
  let topics: TopicNames;
  let ledger: LedgerStore;
  let ingest: IngestFixture['ingest'];

  beforeAll(async () => {
    fixture = await startIngestFixture('ingest', {
      regions: REGIONS,
      maxMessageBytes: MAX_BYTES,
      // The hold-release check (receipts here have no commands: receiptCheck has its own test).
      checkOn: (own) => holdReleaseCheck((tenantId) => own.readStream(tenantId)),
    });
    ({ kafka, topics, ledger, ingest } = fixture);
  }, 60_000);

  afterAll(() => fixture?.close());

  it('appends N valid events across all topics exactly once, even when each is sent twice', async () => {
    const events = lifecycleEvents(3000, { tenants: 25, seed: 'valid' });
    const receipts = REGIONS.map((region, i) => ({
      topic: topics.receipts(region),
      key: `tenant-valid-${i}`,
      value: {
        commandId: `cmd-${region}`,
        tenantId: `tenant-valid-${i}`,
        region,
        store: 'main',
        status: i === 0 ? 'completed' : 'failed',
        completedAt: '2026-01-02T00:00:00Z',
        ...(i === 0 ? { deletedCount: 3 } : { error: 'disk full' }),
      },
    }));
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    const all = [...events.map((e) => ({ ...e, topic: topics.lifecycle(e.topic) })), ...receipts];
    for (const e of all) {
      const list = byTopic.get(e.topic) ?? [];
      list.push({ key: e.key, value: JSON.stringify(e.value) });
      byTopic.set(e.topic, list);
    }
    for (const [topic, msgs] of byTopic) await produce(kafka, topic, [...msgs, ...msgs]);

    const n = all.length;
    await waitFor(
      () => ledger.counts(),
      (c) => c.entries >= n,
      60_000,
      `${n} ledger entries`,
    );
    // Give redeliveries a moment to show up if they were (wrongly) appended.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await ledger.counts()).toEqual({ entries: n, streams: 25 });
    const admin = kafka.admin();
    await admin.connect();
    const onTopics = (await Promise.all([...byTopic.keys()].map((t) => topicRecordCount(admin, t)))).reduce(
      (a, b) => a + b,
    );
    await admin.disconnect();
    expect(onTopics).toBe(2 * n);
    expect(ingest.ingestor.counters.appended).toBe(n);
    // At least every resend; more only if a rebalance redelivered an uncommitted batch (at-least-once).
    expect(ingest.ingestor.counters.duplicates).toBeGreaterThanOrEqual(n);
    const verdict = await ledger.verify();
    expect(verdict).toEqual({ ok: true, entries: n, streams: 25 });
  }, 120_000);

  it('dead-letters each kind of malformed record once, with its original bytes and a reason', async () => {
    const good = { eventId: 'bad-0', tenantId: 'tenant-bad', occurredAt: '2026-01-01T00:00:00Z' };
    const created = { ...good, dataId: 'd1', category: 'personal', region: 'eu', store: 'main' };
    const farFuture = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const cases: Array<{ name: string; topic: string; key: string | null; value: Buffer; reason: RegExp }> = [
      {
        name: 'bad JSON',
        topic: 'data-created',
        key: 'tenant-bad',
        value: Buffer.from('{"eventId": '),
        reason: /json/i,
      },
      {
        name: 'not an object',
        topic: 'data-created',
        key: 'tenant-bad',
        value: Buffer.from('[1,2]'),
        reason: /object/i,
      },
      {
        name: 'missing field',
        topic: 'data-created',
        key: 'tenant-bad',
        value: Buffer.from(JSON.stringify({ ...created, eventId: 'bad-1', dataId: undefined })),
        reason: /dataId/,
      },
      {
        name: 'invalid field',
        topic: 'data-deleted',
        key: 'tenant-bad',
        value: Buffer.from(JSON.stringify({ ...good, eventId: 'bad-2', dataId: 'd1', deletedBy: 'robot' })),
        reason: /deletedBy/,
      },
      {
        name: 'unknown category',
        topic: 'data-created',
        key: 'tenant-bad',
        value: Buffer.from(JSON.stringify({ ...created, eventId: 'bad-3', category: 'telemetry' })),
        reason: /categor/i,
      },
      {
        name: 'unknown region',
        topic: 'data-created',
        key: 'tenant-bad',
        value: Buffer.from(JSON.stringify({ ...created, eventId: 'bad-4', region: 'mars' })),
        reason: /region/i,
      },
      {
        name: 'far-future occurredAt',
        topic: 'subscription-ended',
        key: 'tenant-bad',
        value: Buffer.from(JSON.stringify({ ...good, eventId: 'bad-5', occurredAt: farFuture })),
        reason: /future/i,
      },
      {
        name: 'occurredAt without offset',
        topic: 'subscription-ended',
        key: 'tenant-bad',
        value: Buffer.from(JSON.stringify({ ...good, eventId: 'bad-6', occurredAt: '2026-01-01T00:00:00' })),
        reason: /occurredAt/,
      },
      {
        name: 'oversized',
        topic: 'data-created',
        key: 'tenant-bad',
        value: Buffer.from(JSON.stringify({ ...created, eventId: 'bad-7', pad: 'x'.repeat(MAX_BYTES) })),
        reason: /size|large|bytes/i,
      },
      {
        name: 'non-UTF-8',
        topic: 'data-created',
        key: 'tenant-bad',
        value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        reason: /utf-?8/i,
      },
      {
        name: 'invalid tenantId',
        topic: 'subscription-ended',
        key: 'bad tenant!',
        value: Buffer.from(JSON.stringify({ ...good, eventId: 'bad-8', tenantId: 'bad tenant!' })),
        reason: /tenantId/,
      },
      {
        name: 'release of a legal hold never placed',
        topic: 'legal-hold',
        key: 'tenant-bad',
        value: Buffer.from(
          JSON.stringify({ ...good, eventId: 'bad-9', holdId: 'case-404', action: 'released' }),
        ),
        reason: /release of a legal hold \(holdId\) that the tenant's stream never placed/,
      },
      {
        name: 'receipt from another region than its topic',
        topic: 'deletion-receipts.eu',
        key: 'tenant-bad',
        value: Buffer.from(
          JSON.stringify({
            commandId: 'c1',
            tenantId: 'tenant-bad',
            region: 'us',
            store: 'main',
            status: 'completed',
            completedAt: '2026-01-01T00:00:00Z',
          }),
        ),
        reason: /region/i,
      },
    ];
    const topicOf = (t: string) =>
      t.startsWith('deletion-receipts.') ? topics.receipts(t.split('.')[1]) : topics.prefix + t;
    for (const c of cases) {
      await produce(kafka, topicOf(c.topic), [{ key: c.key, value: c.value, headers: { case: c.name } }]);
    }
    // The same eventId with another payload: the first is appended, the second rejected.
    const first = { ...good, eventId: 'dup-1' };
    await produce(kafka, topics.lifecycle('subscription-ended'), [
      { key: 'tenant-bad', value: JSON.stringify(first) },
    ]);
    await waitFor(
      () => streamIds(ledger, 'tenant-bad'),
      (ids) => ids.includes('dup-1'),
      30_000,
      'dup-1 appended',
    );
    await produce(kafka, topics.lifecycle('subscription-ended'), [
      {
        key: 'tenant-bad',
        value: JSON.stringify({ ...first, occurredAt: '2026-02-01T00:00:00Z' }),
        headers: { case: 'conflict' },
      },
    ]);

    const dead = await consumeAll(kafka, topics.deadLetter, cases.length + 1, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    const values = dead.map((d) => JSON.parse(d.value) as DeadLetterValue);
    expect(values).toHaveLength(cases.length + 1);
    for (const c of cases) {
      const hits = values.filter((v) => headerText(v, 'case') === c.name);
      expect({ name: c.name, count: hits.length }).toEqual({ name: c.name, count: 1 });
      const v = hits[0];
      expect({ name: c.name, reason: v.reason }).toEqual({
        name: c.name,
        reason: expect.stringMatching(c.reason),
      });
      expect(originalBytes(v).equals(c.value)).toBe(true);
      expect(v.topic).toBe(topicOf(c.topic));
      expect(typeof v.partition).toBe('number');
      expect(v.offset).toMatch(/^\d+$/);
      expect(Date.parse(v.rejectedAt)).not.toBeNaN();
    }
    const conflict = values.find((v) => headerText(v, 'case') === 'conflict');
    // The reason names the rule; the conflicting eventId is in the dead letter's copy of the record.
    expect(conflict?.reason).toMatch(/^eventId is already in the ledger with a different payload/);
    expect(conflict?.value).toContain('dup-1');
    expect(await streamIds(ledger, 'tenant-bad')).toEqual(['dup-1']);
  }, 120_000);
});

function headerText(v: DeadLetterValue, name: string): string | undefined {
  const h = (v.headers as Record<string, unknown>)[name];
  if (typeof h === 'string') return h;
  if (h && typeof h === 'object' && 'value' in h) return String((h as { value: unknown }).value);
  return undefined;
}

function originalBytes(v: DeadLetterValue): Buffer {
  return v.valueEncoding === 'base64'
    ? Buffer.from(v.value ?? '', 'base64')
    : Buffer.from(v.value ?? '', 'utf8');
}

async function streamIds(ledger: LedgerStore, tenantId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of ledger.readStream(tenantId)) ids.push(e.eventId);
  return ids;
}
