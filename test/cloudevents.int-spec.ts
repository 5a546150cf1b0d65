import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudEvent, Kafka as CeKafka, KafkaMessage } from 'cloudevents';
import type { IHeaders, Message } from 'kafkajs';
import { loadConfig } from '@app/config';
import {
  DELETION_COMMAND_CE_SOURCE,
  DELETION_COMMAND_CE_TYPE,
  LedgerEntry,
  TopicNames,
} from '@app/contracts';
import { Runtime, startRuntime } from '../apps/cli/src/runtime';
import { ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';
import { ZERO_DELAY_POLICY } from './support/policies';

/** kafkajs gives header values as Buffers; the CloudEvents SDK reads strings. */
function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

/** A record as the official CloudEvents SDK's Kafka binding makes it, ready for kafkajs. */
function asRecord(m: {
  key: string | Buffer;
  value: unknown;
  headers: Record<string, unknown>;
  timestamp?: string;
}): Message {
  return {
    key: m.key,
    value: typeof m.value === 'string' ? m.value : JSON.stringify(m.value),
    headers: headerStrings(m.headers as IHeaders),
    timestamp: m.timestamp,
  };
}

/**
 * Producers that follow the CloudEvents Kafka binding, publishing with the `cloudevents`
 * npm SDK in structured and binary mode, on the real broker; the deletion command that
 * comes out is read back with the same SDK.
 */
describe('CloudEvents producers and consumers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-cloudevents-'));
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, ['eu', 'us']);
  const tenant = `ce-${prefix.slice(1, -1)}`;
  let runtime: Runtime;

  beforeAll(async () => {
    await ensureTopics(testKafka(), topics.allTopics());
    fs.writeFileSync(path.join(dir, 'policy.yaml'), ZERO_DELAY_POLICY);
    const config = loadConfig({
      ...process.env,
      LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
      READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
      RETENTION_POLICY: path.join(dir, 'policy.yaml'),
      TOPIC_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      DISPATCH_INTERVAL: 'PT0.2S',
    });
    runtime = await startRuntime(config, ['ingest', 'projector', 'dispatcher']);
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ingests structured and binary mode, dead-letters a broken CloudEvent with Kafka Connect headers, and emits a CloudEvent command', async () => {
    const kafka = testKafka();
    const time = new Date(Date.now() - 60_000).toISOString();
    const source = '/crm/eu';
    const event = (id: string, type: string, at: string, data: Record<string, unknown>) =>
      new CloudEvent({
        id,
        type,
        source,
        time: at,
        partitionkey: tenant,
        datacontenttype: 'application/json',
        data,
      });
    // Structured mode: no eventId or occurredAt in data; the CloudEvent's id and time stand in.
    const created = event(`${tenant}-created`, 'com.example.data-created', time, {
      tenantId: tenant,
      dataId: 'd1',
      category: 'personal',
      region: 'eu',
      store: 'crm',
    });
    await produce(kafka, topics.lifecycle('data-created'), [asRecord(CeKafka.structured(created))]);
    // Binary mode (as before): ce_id / ce_time headers, the event as the value.
    const second = event(`${tenant}-created-2`, 'com.example.data-created', time, {
      tenantId: tenant,
      dataId: 'd2',
      category: 'personal',
      region: 'us',
      store: 'crm',
    });
    await produce(kafka, topics.lifecycle('data-created'), [asRecord(CeKafka.binary(second))]);
    const deletedAt = new Date(Date.now() - 30_000).toISOString();
    const deleted = event(`${tenant}-deleted`, 'com.example.data-deleted', deletedAt, {
      tenantId: tenant,
      dataId: 'd1',
      deletedBy: 'user',
    });
    await produce(kafka, topics.lifecycle('data-deleted'), [asRecord(CeKafka.structured(deleted))]);
    // A structured record whose data is not the event (a string) goes to the dead letters.
    const broken = JSON.stringify({ specversion: '1.0', id: 'x', source, type: 't', data: 'not an object' });
    await produce(kafka, topics.lifecycle('legal-hold'), [
      {
        key: tenant,
        value: broken,
        headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      },
    ]);

    const [[command], [dead]] = await Promise.all([
      consumeAllWithHeaders(topics.commands('eu'), 1),
      consumeAllWithHeaders(topics.deadLetter, 1),
    ]);
    // The SDK's Kafka binding reads KafkaMessage (key, value, headers), a Message plus the key and value.
    const message: KafkaMessage<string> = {
      key: command.key,
      value: command.value,
      headers: command.headers,
      body: command.value,
    };
    const ce = CeKafka.toEvent(message);
    const received = Array.isArray(ce) ? ce[0] : ce;
    const body = JSON.parse(command.value) as { commandId: string; issuedAt: string; obligationId: string };
    expect(received).toMatchObject({
      specversion: '1.0',
      id: body.commandId,
      type: DELETION_COMMAND_CE_TYPE,
      source: DELETION_COMMAND_CE_SOURCE,
      time: body.issuedAt,
      subject: body.obligationId,
      datacontenttype: 'application/json',
    });
    expect(received.data).toMatchObject({ tenantId: tenant, target: { kind: 'data', dataId: 'd1' } });

    expect(dead.headers).toMatchObject({
      '__connect.errors.topic': topics.lifecycle('legal-hold'),
      '__connect.errors.partition': expect.stringMatching(/^\d$/),
      '__connect.errors.offset': '0',
      '__connect.errors.exception.class.name': 'io.retention-ledger.RecordRejected',
      '__connect.errors.exception.message':
        'CloudEvent (structured mode): data must be the lifecycle event, a JSON object',
    });

    const entries = await waitFor(
      () => streamOf(tenant),
      (list) => list.filter((e) => e.type !== 'DeletionCommandIssued').length >= 3,
      20_000,
      'three entries',
    );
    const byId = Object.fromEntries(entries.map((e) => [e.eventId, e]));
    expect(byId[`${tenant}-created`]).toMatchObject({
      type: 'DataCreated',
      occurredAt: time,
      data: { dataId: 'd1' },
    });
    expect(byId[`${tenant}-created-2`]).toMatchObject({
      type: 'DataCreated',
      occurredAt: time,
      data: { region: 'us' },
    });
    expect(byId[`${tenant}-deleted`]).toMatchObject({ type: 'DataDeleted', data: { dataId: 'd1' } });
  }, 60_000);

  async function streamOf(tenantId: string): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = [];
    for await (const e of runtime.core.ledger.readStream(tenantId)) out.push(e);
    return out;
  }

  async function consumeAllWithHeaders(topic: string, count: number) {
    const kafka = testKafka();
    const consumer = kafka.consumer({ groupId: `${topic}-ce-reader` });
    const out: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          out.push({
            key: String(message.key),
            value: String(message.value),
            headers: headerStrings(message.headers),
          });
        },
      });
      await waitFor(
        () => out.length,
        (n) => n >= count,
        30_000,
        `${count} records on ${topic}`,
      );
    } finally {
      await consumer.disconnect();
    }
    return out;
  }
});
