import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { Runtime, SERVICES, startRuntime } from '../apps/cli/src/runtime';
import { assertBuilt, ROOT } from './support/cli-process';
import { consumeAll, ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';

/**
 * One trace from a producer's lifecycle event to the deletion command it causes: `run`
 * with every service in this process on the real broker, tracing into an in-memory
 * exporter. The producer's traceparent goes in as a Kafka header; the command comes out
 * with a traceparent of the same trace.
 */
describe('tracing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-trace-'));
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, ['eu', 'us']);
  const tenant = `trace-${prefix.slice(1, -1)}`;
  const exporter = new InMemorySpanExporter();
  let runtime: Runtime;

  beforeAll(async () => {
    await ensureTopics(testKafka(), topics.allTopics());
    const config = loadConfig({
      ...process.env,
      LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
      READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
      TOPIC_PREFIX: prefix,
      REGIONS: 'eu,us',
      LOG_LEVEL: 'warn',
      DISPATCH_INTERVAL: 'PT0.2S',
      VERIFY_INTERVAL: 'off',
    });
    runtime = await startRuntime(config, SERVICES, {
      apiPort: 0,
      spanProcessor: new SimpleSpanProcessor({ exporter }),
    });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('follows a data deletion from its producer through ingest, ledger, projector and dispatcher to the command', async () => {
    const traceId = 'a1'.repeat(16);
    const producerSpan = 'b2'.repeat(8);
    const now = Date.now();
    const kafka = testKafka();
    await produce(kafka, topics.lifecycle('data-created'), [
      {
        key: tenant,
        value: JSON.stringify({
          eventId: `${tenant}-created`,
          tenantId: tenant,
          occurredAt: new Date(now - 60_000).toISOString(),
          dataId: 'd1',
          category: 'personal',
          region: 'eu',
          store: 'crm',
        }),
      },
    ]);
    await produce(kafka, topics.lifecycle('data-deleted'), [
      {
        key: tenant,
        value: JSON.stringify({
          eventId: `${tenant}-deleted`,
          tenantId: tenant,
          occurredAt: new Date(now - 30_000).toISOString(),
          dataId: 'd1',
          deletedBy: 'user',
        }),
        headers: { traceparent: `00-${traceId}-${producerSpan}-01` },
      },
    ]);

    const [command] = await consumeAll(kafka, topics.commands('eu'), 1, 30_000);
    expect(JSON.parse(command.value)).toMatchObject({
      tenantId: tenant,
      target: { kind: 'data', dataId: 'd1' },
    });
    expect(command.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const names = [
      `ingest ${topics.lifecycle('data-deleted')}`,
      'ledger.append',
      'projector.project',
      'read-model.write',
      'dispatcher.issue',
      `publish ${topics.commands('eu')}`,
    ];
    const spans = await waitFor(
      () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId),
      (list) => names.every((n) => list.some((s) => s.name === n)),
      10_000,
      'every stage in the trace',
    );
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    // One chain: the command's span back to the producer's, stage by stage.
    const publish = spans.find((s) => s.name === names[5])!;
    expect(command.headers.traceparent.split('-')[2]).toBe(publish.spanContext().spanId);
    const chain: string[] = [];
    for (let s: ReadableSpan | undefined = publish; s; s = byId.get(parentOf(s) ?? '')) chain.unshift(s.name);
    expect(chain).toEqual([names[0], 'projector.project', 'dispatcher.issue', names[5]]);
    const ingest = spans.find((s) => s.name === names[0])!;
    expect(parentOf(ingest)).toBe(producerSpan);
    // The created event (no traceparent) was traced too, in a trace of its own.
    expect(
      exporter.getFinishedSpans().some((s) => s.name === `ingest ${topics.lifecycle('data-created')}`),
    ).toBe(true);
  }, 60_000);

  it('exports over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces (compiled code: the exporter imports lazily)', async () => {
    assertBuilt();
    const received: Array<{ url?: string; method?: string; bytes: number }> = [];
    const server = http.createServer((req, res) => {
      let bytes = 0;
      req.on('data', (d: Buffer) => (bytes += d.length));
      req.on('end', () => {
        received.push({ url: req.url, method: req.method, bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const script = `
      const t = require('./dist/libs/config/src/tracing.js');
      const run = t.startTracing({ endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });
      t.inSpan('work', {}, async (ctx) => process.stdout.write(JSON.stringify(t.headersFor(ctx))))
        .then(() => run.shutdown());`;
    try {
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['-e', script],
          { cwd: ROOT, env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` } },
          (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
        ),
      );
      expect((JSON.parse(out) as { traceparent: string }).traceparent).toMatch(
        /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
      );
    } finally {
      server.close();
    }
    expect(received).toEqual([expect.objectContaining({ url: '/v1/traces', method: 'POST' })]);
    expect(received[0].bytes).toBeGreaterThan(0);
  }, 30_000);
});
