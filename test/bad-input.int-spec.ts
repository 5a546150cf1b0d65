import { createHash } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { DeadLetterValue, issuedEventId, NewEntry, TopicNames } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import type { LedgerStore } from '@app/ledger';
import { consumeAll, waitFor } from './support/kafka';
import { startIngestFixture, type IngestFixture } from './support/ingest-harness';
import { kcatProduceEach } from './support/kcat';

const REGIONS = ['eu', 'us'];
/** Apache Kafka's default `message.max.bytes`; the test broker allows more, a stock cluster does not. */
const KAFKA_DEFAULT_MAX = 1_048_588;

function issued(commandId: string, tenantId: string): NewEntry {
  return {
    eventId: issuedEventId(commandId),
    tenantId,
    type: 'DeletionCommandIssued',
    occurredAt: '2026-01-01T00:00:00.000Z',
    data: {
      commandId,
      obligationId: `ob.${commandId}`,
      region: 'eu',
      store: 'main',
      issuedAt: '2026-01-01T00:00:00.000Z',
      attempt: 1,
    },
    subject: null,
    source: null,
  };
}

async function streamIds(ledger: LedgerStore, tenantId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of ledger.readStream(tenantId)) ids.push(e.eventId);
  return ids;
}

/**
 * The input reproductions of issue 8, published with kcat (an independent client) the way
 * producers met them: each bad record is followed on its partition by a good one, which must
 * be appended, and the consumer must stay up.
 */
describe('bad input published with kcat', () => {
  let fixture: IngestFixture;
  let kafka: Kafka;
  let topics: TopicNames;
  let ledger: LedgerStore;
  let ingest: IngestFixture['ingest'];
  const valid = (eventId: string, tenantId: string) =>
    Buffer.from(JSON.stringify({ eventId, tenantId, occurredAt: '2026-01-01T00:00:00Z' }));

  beforeAll(async () => {
    fixture = await startIngestFixture('bad-input', {
      regions: REGIONS,
      receiptCheck: true,
      // A dead-letter topic of a stock cluster's size limit, made through ensureTopics: kafkajs'
      // createTopics gives up when a loaded broker briefly denies hosting the new topic.
      beforeTopics: (f) =>
        ensureTopics(f.kafka, [
          {
            topic: f.topics.deadLetter,
            configEntries: [{ name: 'max.message.bytes', value: String(KAFKA_DEFAULT_MAX) }],
          },
        ]),
      beforeIngest: (f) =>
        f.ledger.appendBatch([issued('c-1', 'tenant-b'), issued('c-2', 'tenant-b')]).then(() => undefined),
    });
    ({ kafka, topics, ledger, ingest } = fixture);
  }, 60_000);

  afterAll(() => fixture?.close());

  it('(a) a record with a null-valued header is dead-lettered and ingest goes on', async () => {
    kcatProduceEach(topics.lifecycle('subscription-ended'), [
      { key: 'tenant-a', value: Buffer.from('{"eventId": '), headers: ['trace-id', 'case=null-header'] },
      { key: 'tenant-a', value: valid('a-after', 'tenant-a'), headers: ['trace-id'] },
    ]);
    await waitFor(
      () => streamIds(ledger, 'tenant-a'),
      (ids) => ids.includes('a-after'),
      30_000,
      'a-after',
    );
    const dead = (await consumeAll(kafka, topics.deadLetter, 1, 30_000)).map(
      (d) => JSON.parse(d.value) as DeadLetterValue,
    );
    const hit = dead.find((d) => d.headers.case === 'null-header');
    expect(hit?.headers['trace-id']).toBeNull();
    expect(hit?.reason).toMatch(/JSON/);
    expect(ingest.crashes).toEqual([]);
    expect(ingest.consumer.status).toBe('running');
  }, 60_000);

  it('(b) a failed receipt whose error holds a lone surrogate neither wedges its partition nor fails its batch', async () => {
    const receipt = (commandId: string, status: string, extra: string) =>
      Buffer.from(
        `{"commandId":"${commandId}","tenantId":"tenant-b","region":"eu","store":"main","status":"${status}",` +
          `"completedAt":"2026-01-02T00:00:00Z"${extra}}`,
      );
    kcatProduceEach(topics.receipts('eu'), [
      { key: 'tenant-b', value: receipt('c-1', 'failed', ',"error":"disk \\ud800 broke\\u0000"') },
      { key: 'tenant-b', value: receipt('c-2', 'completed', ',"deletedCount":1') },
    ]);
    const ids = await waitFor(
      () => streamIds(ledger, 'tenant-b'),
      (ids) => ids.length >= 4,
      30_000,
      'both receipts appended',
    );
    expect(ids).toEqual([
      'issued:c-1',
      'issued:c-2',
      'receipt:c-1:failed:2026-01-02T00:00:00.000Z',
      'receipt:c-2:completed:2026-01-02T00:00:00.000Z',
    ]);
    const failed = await ledger.findByEventId('receipt:c-1:failed:2026-01-02T00:00:00.000Z');
    // Sanitised at the edge: the failure is recorded, its unencodable characters replaced.
    expect(failed?.data).toMatchObject({ error: 'disk \ufffd broke\ufffd' });
    expect(ingest.crashes).toEqual([]);
  }, 60_000);

  it('(c) 200 KB of control characters: the dead letter fits the broker and the partition moves on', async () => {
    const junk = Buffer.from('\u0001'.repeat(200 * 1024));
    kcatProduceEach(topics.lifecycle('data-deleted'), [
      { key: 'tenant-c', value: junk, headers: ['case=control-1'] },
      { key: 'tenant-c', value: junk, headers: ['case=control-2'] },
      { key: 'tenant-c', value: valid('c-after', 'tenant-c') },
    ]);
    // The valid record is on another topic's partition from none of the junk, so also check the junk's own partition.
    kcatProduceEach(topics.lifecycle('data-deleted'), [
      {
        key: 'tenant-c',
        value: Buffer.from(
          JSON.stringify({
            eventId: 'c-del',
            tenantId: 'tenant-c',
            occurredAt: '2026-01-01T00:00:00Z',
            dataId: 'd',
            deletedBy: 'user',
          }),
        ),
      },
    ]);
    await waitFor(
      () => streamIds(ledger, 'tenant-c'),
      (ids) => ids.includes('c-del'),
      30_000,
      'c-del appended',
    );
    const dead = (await consumeAll(kafka, topics.deadLetter, 4, 30_000)).map(
      (d) =>
        JSON.parse(d.value) as DeadLetterValue & {
          originalSize: number;
          originalSha256: string;
          truncated: boolean;
        },
    );
    const hits = dead.filter((d) => String(d.headers.case).startsWith('control-'));
    expect(hits).toHaveLength(2);
    for (const d of hits) {
      expect(d.truncated).toBe(true);
      expect(d.originalSize).toBe(junk.length);
      expect(d.originalSha256).toBe(createHash('sha256').update(junk).digest('hex'));
      expect(junk.subarray(0, Buffer.byteLength(d.value!)).toString()).toBe(d.value);
    }
    expect(ingest.crashes).toEqual([]);
  }, 60_000);

  it('(e) an occurredAt before MIN_OCCURRED_AT is dead-lettered with a reason', async () => {
    kcatProduceEach(topics.lifecycle('data-created'), [
      {
        key: 'tenant-e',
        value: Buffer.from(
          JSON.stringify({
            eventId: 'e-old',
            tenantId: 'tenant-e',
            occurredAt: '0001-01-01T00:00:00Z',
            dataId: 'd',
            category: 'audit-log',
            region: 'eu',
            store: 'main',
          }),
        ),
        headers: ['case=backdated'],
      },
      {
        key: 'tenant-e',
        value: Buffer.from(
          JSON.stringify({
            eventId: 'e-ok',
            tenantId: 'tenant-e',
            occurredAt: '2026-01-01T00:00:00Z',
            dataId: 'd2',
            category: 'audit-log',
            region: 'eu',
            store: 'main',
          }),
        ),
      },
    ]);
    await waitFor(
      () => streamIds(ledger, 'tenant-e'),
      (ids) => ids.includes('e-ok'),
      30_000,
      'e-ok appended',
    );
    const dead = (await consumeAll(kafka, topics.deadLetter, 5, 30_000)).map(
      (d) => JSON.parse(d.value) as DeadLetterValue,
    );
    const hit = dead.find((d) => d.headers.case === 'backdated');
    expect(hit?.reason).toMatch(/^occurredAt is before .*2000-01-01T00:00:00.000Z \(MIN_OCCURRED_AT\)/);
    expect(await streamIds(ledger, 'tenant-e')).toEqual(['e-ok']);
  }, 60_000);
});
