import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './support/cli-process';
import { zeroDelayPolicyYaml } from './support/policies';

/** A bad RETENTION_POLICY stops `run` before anything starts, naming the field (exit 2). */
describe('start-up with a bad policy file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-policy-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const good = zeroDelayPolicyYaml('v1');

  it.each([
    [
      'an unknown category in a rule',
      good.replace('  personal:\n    onData', '  persnal:\n    onData'),
      /persnal/,
    ],
    [
      'a malformed duration',
      good.replace('deadline: P30D }\n    onSubject', 'deadline: 30 days }\n    onSubject'),
      /rules\.personal\.onDataDeletion\.deadline/,
    ],
    [
      'a negative duration',
      good.replace('deadline: P30D }\n    onSubject', 'deadline: P-3D }\n    onSubject'),
      /rules\.personal\.onDataDeletion\.deadline/,
    ],
    ['a missing version', good.replace('version: v1\n', ''), /version/],
    [
      'an unknown key',
      good.replace(
        'onSubscriptionEnd: { action: keep }',
        'onSubscriptionEnd: { action: keep }\n    onTuesday: { action: keep }',
      ),
      /onTuesday/,
    ],
  ])('%s', async (_name, text, field) => {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, text);
    const res = await runCli(['run', '--only', 'projector'], {
      RETENTION_POLICY: file,
      LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
      READ_MODEL_URL: `sqlite:${path.join(dir, 'rm.db')}`,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/RETENTION_POLICY/);
    expect(res.stderr).toMatch(field);
    // Nothing was started or written.
    expect(fs.existsSync(path.join(dir, 'ledger.db'))).toBe(false);
  });
});
