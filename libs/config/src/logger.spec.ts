import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from './logger';

describe('createLogger', () => {
  it("logs an error's code and message but not the PostgreSQL fields that quote the data", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-logger-'));
    try {
      const file = path.join(dir, 'log');
      const err = Object.assign(
        new Error('duplicate key value violates unique constraint "entries_event_id"'),
        {
          code: '23505',
          detail: 'Key (event_id)=(alice@example.com) already exists.',
          where: 'SQL statement "insert … alice@example.com"',
          constraint: 'entries_event_id',
        },
      );
      createLogger('info', 'test', file).error({ err }, 'append failed');
      const line = JSON.parse(fs.readFileSync(file, 'utf8')) as { err: Record<string, unknown> };
      expect(line.err).toMatchObject({ code: '23505', constraint: 'entries_event_id', type: 'Error' });
      expect(fs.readFileSync(file, 'utf8')).not.toContain('alice');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
