import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TopicNames, type DeadLetterValue } from '@app/contracts';
import { markedRecords, markerFragments, MARKER } from '@app/contracts/testing/marker-records';
import { exited, startCli, testEnv } from './support/cli-process';
import { consumeAll, ensureTopics, produce, randomPrefix, testKafka } from './support/kafka';

/**
 * Issue 10: personal data must not linger in logs or in dead-letter reasons. Records with a
 * marker where a subject id or another value would be go through `run --only ingest` on the
 * real broker; the marker may be in the dead letter's copy of the record, and nowhere else:
 * not in its reason (header and value) and not in a line the process logged.
 */
describe('ingest: no log line and no dead-letter reason quotes a value of the record', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-no-value-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every marked record is dead-lettered with a reason that quotes none of it', async () => {
    const prefix = randomPrefix();
    const names = new TopicNames(prefix, ['eu']);
    const kafka = testKafka();
    await ensureTopics(kafka, names.allTopics());
    const records = markedRecords();
    for (const r of records) {
      await produce(kafka, `${prefix}${r.topic}`, [
        { key: r.key ?? 'acme', value: r.value, headers: r.headers },
      ]);
    }
    const logFile = path.join(dir, 'ingest.log');
    const child = startCli(['run', '--only', 'ingest'], testEnv(dir, prefix, { regions: ['eu'] }), logFile);
    let dead: Awaited<ReturnType<typeof consumeAll>>;
    try {
      dead = await consumeAll(kafka, names.deadLetter, records.length, 60_000);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).toContain('record dead-lettered');
    // The topics were made here without retention: the process set it (docs/kafka.md).
    const changed = log
      .split('\n')
      .filter((l) => l.includes('system topic setting changed to the configured value'))
      .map((l) => JSON.parse(l) as { topic: string; config: string; wanted: string });
    expect(changed).toContainEqual(
      expect.objectContaining({
        topic: names.commands('eu'),
        config: 'retention.ms',
        wanted: String(28 * 86_400_000),
      }),
    );
    expect(changed).toContainEqual(
      expect.objectContaining({ topic: names.deadLetter, config: 'segment.ms', wanted: '86400000' }),
    );
    expect(markerFragments(log)).toEqual([]);
    for (const d of dead) {
      const value = JSON.parse(d.value) as DeadLetterValue;
      const header = d.headers['__connect.errors.exception.message'];
      expect({ header, fragments: markerFragments(header) }).toEqual({ header, fragments: [] });
      expect({ reason: value.reason, fragments: markerFragments(value.reason) }).toEqual({
        reason: value.reason,
        fragments: [],
      });
    }
    // The record itself is kept in the dead letter, for whoever may read that topic.
    expect(dead.filter((d) => d.value.includes(MARKER.slice(0, 11))).length).toBeGreaterThan(
      records.length / 2,
    );
  }, 120_000);
});
