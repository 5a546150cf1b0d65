import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { openLedger } from '@app/ledger';
import { auditStory, HOSTILE_DATA_ID, STORY_SUBJECT } from '@app/reports/testing/audit-story';
import { operationsStory } from '@app/reports/testing/operations-story';
import { ROOT, runCli } from './support/cli-process';

// Debian's `chromium`, installed on first use where apt-get can; CHROMIUM_PATH overrides.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureChromium } = require('../deploy/chromium/ensure-chromium.js') as {
  ensureChromium: () => string;
};

const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/**
 * `audit --format html --out FILE` from the compiled CLI, opened in headless Chromium from
 * disk: what an auditor sees, and proof that the page fetches nothing and runs nothing.
 */
describe('HTML audit report in a browser', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-html-'));
  const env = { LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`, LOG_LEVEL: 'silent' };
  const story = auditStory('acme');
  let browser: Browser;

  beforeAll(async () => {
    const ledger = await openLedger(env.LEDGER_URL);
    for (const phase of story.phases) await ledger.appendBatch(phase.entries, phase.recordedAt);
    await ledger.appendBatch(operationsStory('acme-ops'));
    await ledger.close();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: ensureChromium(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the report with the CLI and opens it; records every request and dialog the page makes. */
  async function open(name: string, extraArgs: string[] = [], tenant = 'acme') {
    const file = path.join(dir, `${name}.html`);
    const run = await runCli(
      ['audit', '--tenant', tenant, '--format', 'html', '--out', file, ...extraArgs],
      env,
    );
    expect(run).toMatchObject({ code: 0, stdout: '' });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`file://${file}`);
    await page.waitForLoadState('load');
    return { page, requests, dialogs, problems, file, close: () => context.close() };
  }

  const cardCount = async (page: Page, verdict: string) =>
    (await page.locator(`.summary [data-verdict="${verdict}"] .n`).innerText()).trim();

  it('shows the summary, the table and a timeline per obligation; fetches and runs nothing', async () => {
    const { page, requests, dialogs, problems, file, close } = await open('acme-now');
    try {
      expect(await page.title()).toMatch(/^Retention audit — tenant acme — as of /);
      await expect(page.locator('h1').innerText()).resolves.toBe('Retention audit: tenant acme');
      expect({
        met: await cardCount(page, 'met'),
        breached: await cardCount(page, 'breached'),
        pending: await cardCount(page, 'pending'),
        held: await cardCount(page, 'held'),
        total: await cardCount(page, 'total'),
      }).toEqual({ met: '2', breached: '2', pending: '0', held: '1', total: '5' });
      for (const verdict of ['met', 'breached', 'pending', 'held']) {
        expect(await page.locator(`.summary [data-verdict="${verdict}"]`).isVisible()).toBe(true);
      }

      const rows = page.locator('table.obligations tbody tr');
      expect(await rows.count()).toBe(5);
      const d1 = page.locator('table.obligations tbody tr', { hasText: 'd1' });
      expect(await d1.locator('td').first().innerText()).toBe('met');
      expect(await d1.locator('td').nth(3).innerText()).toBe('data d1');

      // A timeline per obligation: trigger → due → deadline, and for d1 its confirmation before the deadline.
      const timelines = page.locator('article.timeline');
      expect(await timelines.count()).toBe(5);
      for (let i = 0; i < 5; i++) {
        const t = timelines.nth(i);
        expect(await t.locator('svg.timeline-svg').isVisible()).toBe(true);
        for (const m of ['trigger', 'due', 'deadline']) expect(await t.locator(`.m-${m}`).count()).toBe(1);
      }
      const d1Timeline = page.locator('article.timeline', { hasText: 'data d1' });
      const milestones = await d1Timeline
        .locator('ol.milestones li')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-milestone')));
      expect(milestones).toEqual(['trigger', 'due', 'issued', 'confirmed', 'deadline']);
      const box = async (m: string) => (await d1Timeline.locator(`.m-${m}`).boundingBox())!;
      // Drawn left to right in time order.
      expect((await box('trigger')).x).toBeLessThanOrEqual((await box('confirmed')).x);
      expect((await box('confirmed')).x).toBeLessThan((await box('deadline')).x);
      await expect(
        page.locator('article.timeline', { hasText: 'data d2' }).locator('.note').innerText(),
      ).resolves.toMatch(/^confirmed 5 d after the deadline/);

      // The hostile data id is text, not markup; the subject id (personal data) is not on the page.
      expect(await page.locator('code', { hasText: HOSTILE_DATA_ID }).count()).toBe(2);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.content()).not.toContain(STORY_SUBJECT);

      // Self-contained: the file itself is the only request; no script ran; no CSP complaints.
      expect(requests).toEqual([`file://${file}`]);
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
      expect(await page.locator('script').count()).toBe(0);

      await page.screenshot({ path: path.join(ARTIFACTS, 'html-report.png'), fullPage: true });
      expect(fs.statSync(path.join(ARTIFACTS, 'html-report.png')).size).toBeGreaterThan(10_000);
    } finally {
      await close();
    }
  }, 60_000);

  it('as of a past time, shows what stood then', async () => {
    const { page, close } = await open('acme-day11', ['--as-of', story.day(11).toISOString()]);
    try {
      expect({
        met: await cardCount(page, 'met'),
        pending: await cardCount(page, 'pending'),
        total: await cardCount(page, 'total'),
      }).toEqual({ met: '0', pending: '3', total: '3' });
      await expect(page.locator('.asof time').first().getAttribute('datetime')).resolves.toBe(
        story.day(11).toISOString(),
      );
      expect(await page.locator('article.timeline .m-as-of').count()).toBe(3);
      await page.screenshot({ path: path.join(ARTIFACTS, 'html-report-as-of.png'), fullPage: true });
    } finally {
      await close();
    }
  }, 60_000);

  it('shows legal holds with their context, operator actions with actor and reason, extended deadlines', async () => {
    const { page, requests, problems, file, close } = await open('acme-ops', [], 'acme-ops');
    try {
      expect({
        met: await cardCount(page, 'met'),
        manual: await cardCount(page, 'done-manually'),
        waived: await cardCount(page, 'waived'),
        total: await cardCount(page, 'total'),
      }).toEqual({ met: '3', manual: '1', waived: '0', total: '4' });
      const hold = page.locator('table.holds tbody tr', { hasText: 'CASE-42' });
      expect(await hold.innerText()).toMatch(
        /data contract-7.*litigation hold: Acme v\. Globex.*ACME-2025-042.*legal@acme\.example/s,
      );
      const byHand = page.locator('article.timeline', { hasText: 'data invoice-1' });
      await expect(byHand.locator('.note').innerText()).resolves.toMatch(
        /^done by hand \(not confirmed by the system\): k_3f9a0c2b7d1e at .*DBA purged the rows by hand/,
      );
      const extended = page.locator('table.obligations tbody tr', { hasText: 'invoice-2' });
      expect(await extended.locator('td').nth(6).innerText()).toMatch(/extended; was/);
      const actions = page
        .locator('article.timeline', { hasText: 'data invoice-2' })
        .locator('ul.actions li');
      expect(await actions.allInnerTexts()).toEqual([
        expect.stringMatching(/^deadline extended to .* by alice@ops at .*: vendor outage, DPO approved$/),
        expect.stringMatching(/^retried by alice@ops at .*: disk replaced$/),
      ]);
      expect(requests).toEqual([`file://${file}`]);
      expect(problems).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'html-report-operations.png'), fullPage: true });
    } finally {
      await close();
    }
  }, 60_000);
});
