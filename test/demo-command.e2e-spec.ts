import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, runCli } from './support/cli-process';

/**
 * The README's quick start, `npm run demo`, is `retention-ledger demo`: the whole story in one
 * process with two regional stores. It must exit 0 only when every promise was kept, and say
 * so; here on the test broker (KAFKA_BROKERS), so it neither starts nor stops a broker.
 */
describe('retention-ledger demo', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-demo-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the story to the end, every promise kept, verify ok, one audit page per tenant', async () => {
    assertBuilt();
    const run = await runCli(['demo', '--dir', dir], { ...process.env, LOG_LEVEL: 'info' }, 150_000);
    expect(run.stdout).toContain('Every promise was kept. ✓');
    expect(run.stdout).toMatch(/✓ verify: ok: \d+ entries in \d+ streams/);
    expect(run.stdout).not.toContain('✗');
    expect(run.code).toBe(0);
    const [runDir] = fs.readdirSync(dir).filter((d) => d.startsWith('demo-'));
    const pages = fs.readdirSync(path.join(dir, runDir)).filter((f) => /^audit-.*\.html$/.test(f));
    expect(pages.sort()).toEqual(['audit-acme.html', 'audit-globex.html', 'audit-initech.html']);
  }, 180_000);
});
