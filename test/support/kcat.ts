import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testBrokers } from './kafka';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureTool } = require('../../deploy/tools/ensure-debian-tool.js') as {
  ensureTool: (binary: string, pkg?: string) => string;
};

export interface KcatRecord {
  key: string;
  value: Buffer;
  /** `name=value`, or a bare `name` for a header with a null value (what Java clients send for `new RecordHeader(k, null)`). */
  headers?: string[];
}

/**
 * Publishes records with kcat, an independent client (librdkafka), one file per record so
 * any bytes go through unchanged. Records of one call keep their order per key.
 */
export function kcatProduce(topic: string, records: KcatRecord[]): void {
  const kcat = ensureTool('kcat', 'kcat');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-kcat-'));
  try {
    // kcat sends each file as one message, with the same key and headers: group by those.
    for (const [i, r] of records.entries()) {
      const file = path.join(dir, `r${i}`);
      fs.writeFileSync(file, r.value);
      const args = [
        '-b',
        testBrokers().join(','),
        '-P',
        '-t',
        topic,
        '-k',
        r.key,
        '-X',
        'message.max.bytes=3000000',
      ];
      for (const h of r.headers ?? []) args.push('-H', h);
      execFileSync(kcat, [...args, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
