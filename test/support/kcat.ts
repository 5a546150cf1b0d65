import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testBrokers } from './kafka';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureTool } = require('../../deploy/tools/ensure-debian-tool.js') as {
  ensureTool: (binary: string, pkg?: string) => string;
};

/**
 * Publishes records with kcat, an independent client (librdkafka): each value is a file, sent
 * as one message byte for byte, all with `key` and `headers` (`name=value`, or a bare
 * `name` for a header with a null value — what Java clients send for
 * `new RecordHeader(k, null)`, and what kafkajs cannot send). Order is kept; idempotent, so a
 * retry under load does not write a record twice. kcat skips empty files: send empty values otherwise.
 */
export function kcatProduce(topic: string, key: string, headers: string[], values: Buffer[]): void {
  const kcat = ensureTool('kcat', 'kcat');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-kcat-'));
  try {
    const files = values.map((v, i) => {
      const file = path.join(dir, `r${String(i).padStart(6, '0')}`);
      fs.writeFileSync(file, v);
      return file;
    });
    const args = [
      '-b',
      testBrokers().join(','),
      '-P',
      '-t',
      topic,
      '-k',
      key,
      '-X',
      'message.max.bytes=3000000',
      '-X',
      'enable.idempotence=true',
    ];
    for (const h of headers) args.push('-H', h);
    for (let i = 0; i < files.length; i += 500) {
      execFileSync(kcat, [...args, ...files.slice(i, i + 500)], { stdio: ['ignore', 'pipe', 'pipe'] });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface KcatRecord {
  key: string;
  value: Buffer;
  headers?: string[];
}

/** One kcat call per record: for records that differ in key or headers, in order. */
export function kcatProduceEach(topic: string, records: KcatRecord[]): void {
  for (const r of records) kcatProduce(topic, r.key, r.headers ?? [], [r.value]);
}
