import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@app/config';
import { TopicNames } from '@app/contracts';
import { apiClient, metricValue } from '@app/audit-api/testing/api-client';
import { Runtime, SERVICES, startRuntime } from '../apps/cli/src/runtime';
import { ensureTopics, produce, randomPrefix, testKafka, waitFor } from './support/kafka';

/**
 * /metrics of `run` (every service in this process) on the real broker: events go in
 * through Kafka, and the counters and gauges a Prometheus scrape sees move with them.
 */
describe('metrics', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-metrics-'));
  const prefix = randomPrefix();
  const topics = new TopicNames(prefix, ['eu', 'us']);
  const tenant = `metrics-${prefix.slice(1, -1)}`;
  let runtime: Runtime;
  let scrape: () => Promise<string>;

  beforeAll(async () => {
    await ensureTopics(testKafka(), topics.allTopics());
    const config = loadConfig({
      ...process.env,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
      READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
      CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
      TOPIC_PREFIX: prefix,
      REGIONS: 'eu,us',
      LOG_LEVEL: 'warn',
      DISPATCH_INTERVAL: 'PT0.2S',
      METRICS_REFRESH: 'PT0.2S',
    });
    runtime = await startRuntime(config, SERVICES, { apiPort: 0 });
    const api = apiClient(runtime.apiUrl!);
    scrape = async () => {
      const r = await api('/metrics');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      return r.text;
    };
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const value = async (sample: string) => metricValue(await scrape(), sample) ?? NaN;

  it('follows events ingested, dead letters, obligations, commands and their latency', async () => {
    const before = await scrape();
    expect(metricValue(before, 'retention_ledger_events_ingested_total{outcome="appended"}')).toBe(0);
    expect(metricValue(before, 'retention_ledger_dead_letters_total')).toBe(0);
    expect(metricValue(before, 'retention_ledger_obligations{status="scheduled"}')).toBe(0);
    expect(metricValue(before, 'retention_ledger_ingest_consumer_up')).toBe(1);
    expect(before).toContain('# TYPE retention_ledger_deletion_command_latency_seconds histogram');

    const now = Date.now();
    const at = (i: number) => new Date(now - 60_000 + i * 100).toISOString();
    const created = Array.from({ length: 10 }, (_, i) => ({
      key: tenant,
      value: JSON.stringify({
        eventId: `${tenant}-c${i}`,
        tenantId: tenant,
        occurredAt: at(i),
        dataId: `d${i}`,
        category: 'personal',
        region: i % 2 ? 'us' : 'eu',
        store: 'crm',
        subjectId: `u${i}`,
      }),
    }));
    const deleted = Array.from({ length: 4 }, (_, i) => ({
      key: tenant,
      value: JSON.stringify({
        eventId: `${tenant}-d${i}`,
        tenantId: tenant,
        occurredAt: at(20 + i),
        dataId: `d${i}`,
        deletedBy: 'user',
      }),
    }));
    const kafka = testKafka();
    await produce(kafka, topics.lifecycle('data-created'), [...created, { key: tenant, value: '{not json' }]);
    await produce(kafka, topics.lifecycle('data-deleted'), [
      ...deleted,
      { key: tenant, value: '{"eventId":"x"}' },
    ]);

    // Both at once: a batch's entries are counted when appended, its rejections only once the
    // dead-letter topic has them, so one may lead the other for a moment.
    const counted = await waitFor(
      async () => ({
        appended: await value('retention_ledger_events_ingested_total{outcome="appended"}'),
        deadLetters: await value('retention_ledger_dead_letters_total'),
      }),
      (c) => c.appended === 14 && c.deadLetters === 2,
      30_000,
      '14 appended events and 2 dead letters on /metrics',
    );
    expect(counted).toEqual({ appended: 14, deadLetters: 2 });
    // Redelivery is absorbed, and counted as such.
    await produce(kafka, topics.lifecycle('data-created'), created.slice(0, 3));
    await waitFor(
      () => value('retention_ledger_events_ingested_total{outcome="duplicate"}'),
      (n) => n === 3,
      30_000,
      'duplicates',
    );

    // The deletions are due at once: the dispatcher issues and publishes four commands.
    await waitFor(
      () => value('retention_ledger_deletion_commands_published_total'),
      (n) => n === 4,
      30_000,
      'published commands',
    );
    // The projector records the issue a moment after the dispatcher appended it.
    await waitFor(
      () => value('retention_ledger_obligations{status="issued"}'),
      (n) => n === 4,
      30_000,
      'issued obligations',
    );
    const after = await scrape();
    expect(metricValue(after, 'retention_ledger_deletion_commands_issued_total')).toBe(4);
    expect(metricValue(after, 'retention_ledger_ledger_entries')).toBeGreaterThanOrEqual(14 + 4);
    expect(metricValue(after, 'retention_ledger_obligations_overdue')).toBe(0);
    // Their deadlines are 30 days away: none is due within the next 7 days.
    expect(metricValue(after, 'retention_ledger_obligations_due_within_7d')).toBe(0);
    expect(metricValue(after, 'retention_ledger_ingest_consumer_lag_records')).toBe(0);

    // A receipt, appended as ingest would append it: the projector times the command.
    const [issued] = (await runtime.core.readModel.obligations(tenant)).filter((o) => o.status === 'issued');
    const command = (issued.detail as { commands: Array<{ commandId: string; issuedAt: string }> })
      .commands[0];
    const completedAt = new Date(Date.parse(command.issuedAt) + 2500).toISOString();
    await runtime.core.ledger.appendBatch([
      {
        eventId: `receipt:${command.commandId}`,
        tenantId: tenant,
        type: 'DeletionConfirmed',
        occurredAt: completedAt,
        data: {
          commandId: command.commandId,
          region: issued.region,
          store: issued.store,
          completedAt,
          deletedCount: 1,
        },
        subject: null,
        source: null,
      },
    ]);
    runtime.core.signal.emit('ledger');
    await waitFor(
      () => value('retention_ledger_deletion_command_latency_seconds_count{outcome="confirmed"}'),
      (n) => n === 1,
      30_000,
      'one timed confirmation',
    );
    const final = await scrape();
    expect(
      metricValue(final, 'retention_ledger_deletion_command_latency_seconds_sum{outcome="confirmed"}'),
    ).toBeCloseTo(2.5, 3);
    expect(
      metricValue(
        final,
        'retention_ledger_deletion_command_latency_seconds_bucket{le="1",outcome="confirmed"}',
      ),
    ).toBe(0);
    expect(
      metricValue(
        final,
        'retention_ledger_deletion_command_latency_seconds_bucket{le="10",outcome="confirmed"}',
      ),
    ).toBe(1);
    // The store gauges are read every METRICS_REFRESH (0.2 s here), not at the scrape.
    await waitFor(
      () => value('retention_ledger_obligations{status="confirmed"}'),
      (n) => n === 1,
      10_000,
      'the confirmed obligation on the next store reading',
    );
    // Scraping again does not count anything twice.
    expect(metricValue(await scrape(), 'retention_ledger_events_ingested_total{outcome="appended"}')).toBe(
      14,
    );
    // Requests to the API are timed by route pattern.
    expect(final).toMatch(
      /retention_ledger_http_request_duration_seconds_count\{method="GET",route="\/metrics",status="200"\} \d+/,
    );
  }, 120_000);
});
