import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { openKeyStore } from '@app/read-model';
import { AuditReport } from '@app/reports';
import { auditStory, STORY_SUBJECT } from '@app/reports/testing/audit-story';
import { apiClient, ApiAnswer } from '@app/audit-api/testing/api-client';
import { Runtime, startRuntime } from '../apps/cli/src/runtime';
import { randomPrefix, waitFor } from './support/kafka';

/**
 * The audit API over real HTTP on loopback: `run --only projector,api` in this process,
 * on SQLite files of its own, with two tenants' stories already in the ledger.
 */
describe('audit API', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-api-'));
  const logFile = path.join(dir, 'api.log');
  const env = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
    TOPIC_PREFIX: randomPrefix(),
    LOG_LEVEL: 'info',
  };
  const story = auditStory('acme');
  const keys = { all: '', acme: '', operator: '', revoked: '' };
  let runtime: Runtime;
  let api: ReturnType<typeof apiClient>;
  let acmeEntries = 0;

  beforeAll(async () => {
    const ledger = await openLedger(env.LEDGER_URL);
    for (const s of [story, auditStory('globex')]) {
      for (const phase of s.phases) await ledger.appendBatch(phase.entries, phase.recordedAt);
    }
    acmeEntries = story.phases.reduce((n, p) => n + p.entries.length, 0);
    await ledger.close();
    const store = await openKeyStore(env.READ_MODEL_URL);
    const now = new Date();
    keys.all = (await store.create({ role: 'auditor', tenantId: null }, now)).key;
    keys.acme = (await store.create({ role: 'auditor', tenantId: 'acme' }, now)).key;
    keys.operator = (await store.create({ role: 'operator', tenantId: null }, now)).key;
    const revoked = await store.create({ role: 'auditor', tenantId: null }, now);
    keys.revoked = revoked.key;
    await store.revoke(revoked.record.id, now);
    await store.close();
    runtime = await startRuntime(loadConfig({ ...process.env, ...env }), ['projector', 'api'], {
      apiPort: 0,
      log: createLogger('info', 'api-test', logFile),
    });
    api = apiClient(runtime.apiUrl!);
    await waitFor(
      () => runtime.core.readModel.obligations('acme'),
      (l) => l.length === 5,
      20_000,
      'the projection',
    );
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  const READ_ROUTES = [
    '/v1/tenants/acme/ledger',
    '/v1/tenants/acme/obligations',
    '/v1/tenants/acme/audit',
    '/v1/verify?tenant=acme',
    '/v1/stats',
  ];

  describe('401: no key, or one it does not know', () => {
    it.each(READ_ROUTES)('%s without Authorization', async (route) => {
      const r = await api(route);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(JSON.stringify(r.json)).toContain('Authorization: Bearer');
    });

    it.each([
      ['an unknown key', { authorization: 'Bearer rlk_' + 'A'.repeat(43) }],
      ['a malformed key', { authorization: 'Bearer not-a-key' }],
      ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['an empty bearer', { authorization: 'Bearer ' }],
    ])('%s', async (_case, headers) => {
      expect((await api('/v1/tenants/acme/audit', { headers })).status).toBe(401);
    });

    it('a revoked key', async () => {
      const r = await api('/v1/tenants/acme/audit', { key: keys.revoked });
      expect(r.status).toBe(401);
      expect((r.json as { message: string }).message).toBe('unknown or revoked API key');
    });

    it('POST /v1/rebuild without a key', async () => {
      expect((await api('/v1/rebuild', { method: 'POST' })).status).toBe(401);
    });
  });

  describe('403: a key whose tenant or role does not cover the request', () => {
    it.each([
      '/v1/tenants/globex/ledger',
      '/v1/tenants/globex/obligations',
      '/v1/tenants/globex/audit',
      '/v1/tenants/globex/audit?format=html',
      '/v1/verify?tenant=globex',
      '/v1/verify',
      '/v1/stats',
    ])('a key scoped to acme: %s', async (route) => {
      const r = await api(route, { key: keys.acme });
      expect(r.status).toBe(403);
      expect((r.json as { message: string }).message).toContain('scoped to tenant acme');
      expect(r.text).not.toContain('globex-');
    });

    it('an auditor may not rebuild', async () => {
      const r = await api('/v1/rebuild', { method: 'POST', key: keys.all });
      expect(r.status).toBe(403);
      expect((r.json as { message: string }).message).toBe('a key with role auditor may not rebuild');
    });

    it('an auditor may not act on obligations; an operator may, and a refusal is a 409 saying why', async () => {
      const retry = (key: string, tenant = 'acme', body: unknown = { reason: 'store fixed' }) =>
        api(`/v1/tenants/${tenant}/obligations/retry`, { method: 'POST', key, body });
      const denied = await retry(keys.all);
      expect(denied.status).toBe(403);
      expect((denied.json as { message: string }).message).toBe('a key with role auditor may not operate');
      expect((await retry(keys.operator, 'nobody')).status).toBe(404);
      const noReason = await retry(keys.operator, 'acme', {});
      expect(noReason.status).toBe(400);
      expect((noReason.json as { message: string }).message).toMatch(/^invalid body parameter reason/);
      const [scheduled] = (await runtime.core.readModel.obligations('acme')).filter(
        (o) => o.status !== 'failed',
      );
      const refused = await retry(keys.operator, 'acme', {
        reason: 'x',
        obligationId: scheduled.obligationId,
      });
      expect(refused.status).toBe(409);
      expect((refused.json as { message: string }).message).toContain('not failed: nothing to retry');
      const badStatus = await api(`/v1/tenants/acme/obligations/${scheduled.obligationId}/resolve`, {
        method: 'POST',
        key: keys.operator,
        body: { status: 'met', reason: 'x' },
      });
      expect(badStatus.status).toBe(400);
      expect((badStatus.json as { message: string }).message).toContain(
        'status must be one of: done-manually, waived',
      );
    });

    it('the scoped key still reads its own tenant', async () => {
      for (const route of [
        '/v1/tenants/acme/ledger',
        '/v1/tenants/acme/obligations',
        '/v1/tenants/acme/audit',
        '/v1/verify?tenant=acme',
      ]) {
        expect({ route, status: (await api(route, { key: keys.acme })).status }).toEqual({
          route,
          status: 200,
        });
      }
    });
  });

  describe('400: a bad parameter, named', () => {
    it.each([
      ['/v1/tenants/acme/ledger?limit=0', 'limit'],
      ['/v1/tenants/acme/ledger?limit=1001', 'limit'],
      ['/v1/tenants/acme/ledger?limit=ten', 'limit'],
      ['/v1/tenants/acme/ledger?limit=2.5', 'limit'],
      ['/v1/tenants/acme/ledger?from=0', 'from'],
      ['/v1/tenants/acme/ledger?from=-3', 'from'],
      ['/v1/tenants/acme/ledger?offset=3', 'offset'],
      ['/v1/tenants/acme/obligations?status=lost', 'status'],
      ['/v1/tenants/acme/audit?format=pdf', 'format'],
      ['/v1/tenants/acme/audit?asOf=yesterday', 'asOf'],
      ['/v1/tenants/acme/audit?asOf=2025-01-12T00:00:00', 'asOf'],
      ['/v1/tenants/acme/audit?asOf=2025-02-30T00:00:00Z', 'asOf'],
      ['/v1/tenants/acme/audit?asOf=2999-01-01T00:00:00Z', 'asOf'],
      ['/v1/tenants/acme/audit?asof=2025-01-12T00:00:00Z', 'asof'],
      ['/v1/verify?tenant=no%20spaces', 'tenant'],
      ['/v1/tenants/' + 'x'.repeat(65) + '/audit', 'tenantId'],
      ['/v1/tenants/a%24b/ledger', 'tenantId'],
    ])('%s names %s', async (route, parameter) => {
      const r = await api(route, { key: keys.all });
      expect(r.status).toBe(400);
      const body = r.json as { message: string; problems: Array<{ parameter: string }> };
      expect(body.message).toMatch(
        new RegExp(`^invalid (query|path) parameter ${parameter}: .*${parameter}`),
      );
      expect(body.problems.map((p) => p.parameter)).toEqual([parameter]);
    });
  });

  describe('the ledger, paged', () => {
    const ledgerPage = async (query: string) => {
      const r = await api(`/v1/tenants/acme/ledger${query}`, { key: keys.acme });
      expect(r.status).toBe(200);
      return r.json as {
        from: number;
        limit: number;
        next: number | null;
        entries: Array<{ streamPosition: number; tenantId: string }>;
      };
    };

    it('walks the whole stream page by page, in order, and ends with next = null', async () => {
      const seen: number[] = [];
      let next: number | null = 1;
      let pages = 0;
      while (next !== null) {
        const page = await ledgerPage(`?from=${next}&limit=3`);
        expect(page.entries.length).toBeLessThanOrEqual(3);
        seen.push(...page.entries.map((e) => e.streamPosition));
        next = page.next;
        pages++;
      }
      expect(seen).toEqual(Array.from({ length: acmeEntries }, (_, i) => i + 1));
      expect(pages).toBe(Math.ceil(acmeEntries / 3));
    });

    it('defaults to the first 100 entries; accepts the bounds 1 and 1000', async () => {
      expect(await ledgerPage('')).toMatchObject({ from: 1, limit: 100, next: null });
      const one = await ledgerPage('?limit=1');
      expect(one.entries.map((e) => e.streamPosition)).toEqual([1]);
      expect(one.next).toBe(2);
      expect((await ledgerPage('?limit=1000')).entries).toHaveLength(acmeEntries);
    });

    it('an exact last page has next = null; past the end is an empty page', async () => {
      expect((await ledgerPage(`?limit=${acmeEntries}`)).next).toBeNull();
      const last = await ledgerPage(`?from=${acmeEntries}&limit=5`);
      expect(last.entries.map((e) => e.streamPosition)).toEqual([acmeEntries]);
      expect(await ledgerPage(`?from=${acmeEntries + 1}`)).toMatchObject({ entries: [], next: null });
    });

    it('only the tenant asked for', async () => {
      expect((await ledgerPage('?limit=1000')).entries.every((e) => e.tenantId === 'acme')).toBe(true);
    });

    it('404 for a tenant the ledger does not know', async () => {
      const r = await api('/v1/tenants/nobody/ledger', { key: keys.all });
      expect(r.status).toBe(404);
      expect((await api('/v1/tenants/nobody/audit', { key: keys.all })).status).toBe(404);
    });
  });

  describe('audit: now, and as of a past time', () => {
    const audit = async (query: string) => {
      const r = await api(`/v1/tenants/acme/audit${query}`, { key: keys.acme });
      expect(r.status).toBe(200);
      return r.json as AuditReport;
    };
    const verdicts = (r: AuditReport) =>
      Object.fromEntries(
        r.obligations.map((o) => [o.target.kind === 'data' ? o.target.dataId : o.obligationId, o.verdict]),
      );

    it('reports what was known, promised and done then, which differs from now', async () => {
      const now = await audit('');
      const day11 = await audit(`?asOf=${story.day(11).toISOString()}`);
      const day13 = await audit(`?asOf=${encodeURIComponent('2025-01-14T00:00:00+01:00')}`);
      expect(now.summary).toMatchObject({ met: 2, breached: 2, held: 1, pending: 0, total: 5 });
      expect(verdicts(now)).toMatchObject({ d1: 'met', d2: 'breached', d3: 'breached', d4: 'held' });
      // Day 11: d1, d2 and d5 deleted, nothing confirmed yet; d3 and d4 not even deleted.
      expect(day11.asOf).toBe(story.day(11).toISOString());
      expect(day11.summary).toMatchObject({ met: 0, breached: 0, pending: 3, held: 0, total: 3 });
      expect(day11.obligations.every((o) => o.confirmedAt === undefined && o.issuedAt === undefined)).toBe(
        true,
      );
      // Day 13: d1 confirmed in time; d2 issued, not confirmed, its deadline still ahead.
      expect(verdicts(day13)).toMatchObject({ d1: 'met', d2: 'pending' });
      expect(
        day13.obligations.find((o) => o.target.kind === 'data' && o.target.dataId === 'd2')?.issuedAt,
      ).toBeDefined();
    });

    it('as HTML: one self-contained page that forbids fetching anything', async () => {
      const r = await api(`/v1/tenants/acme/audit?format=html&asOf=${story.day(13).toISOString()}`, {
        key: keys.acme,
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      );
      expect(r.text).toMatch(/^<!doctype html>/);
      expect(r.text).toContain('Retention audit: tenant <code>acme</code>');
      expect(r.text).not.toContain(STORY_SUBJECT);
    });
  });

  it('obligations from the read model, filtered by status, with overdue flags', async () => {
    const r = await api('/v1/tenants/acme/obligations', { key: keys.acme });
    expect(r.status).toBe(200);
    // Served as stored JSON text (obligations-answer.ts): still JSON, and said to be.
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = r.json as {
      count: number;
      obligations: Array<{
        status: string;
        overdue: boolean;
        obligationId: string;
        timeToDeadlineMs?: number;
      }>;
    };
    expect(body.count).toBe(5);
    expect(body.obligations.filter((o) => o.overdue)).toHaveLength(2);
    // Time left while still owed (negative: overdue); none once confirmed.
    for (const o of body.obligations) {
      if (o.status === 'confirmed') expect(o.timeToDeadlineMs).toBeUndefined();
      else expect(typeof o.timeToDeadlineMs).toBe('number');
      if (o.overdue) expect(o.timeToDeadlineMs).toBeLessThan(0);
    }
    const held = await api('/v1/tenants/acme/obligations?status=held', { key: keys.acme });
    expect((held.json as typeof body).obligations.map((o) => o.status)).toEqual(['held']);
  });

  it('verify: every chain, or one tenant with the policy stream its obligations come from', async () => {
    expect((await api('/v1/verify', { key: keys.all })).json).toMatchObject({ ok: true, streams: 3 });
    expect((await api('/v1/verify?tenant=acme', { key: keys.acme })).json).toEqual({
      ok: true,
      entries: acmeEntries + 1,
      streams: 2,
    });
  });

  it('stats across tenants, for an unscoped key', async () => {
    const r = await api('/v1/stats', { key: keys.all });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      ledger: { entries: 2 * acmeEntries + 1, streams: 3 },
      obligations: { confirmed: 6, held: 2, scheduled: 2 },
      overdue: 4,
      deadLetters: 0,
    });
  });

  it('an operator may not rebuild while a projector runs in the same process', async () => {
    const r = await api('/v1/rebuild', { method: 'POST', key: keys.operator });
    expect(r.status).toBe(409);
  });

  it('serves its OpenAPI document and the docs UI without a key', async () => {
    const doc = await api('/openapi.json');
    expect(doc.status).toBe(200);
    const openapi = doc.json as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths).sort()).toEqual([
      '/health',
      '/health/live',
      '/health/ready',
      '/metrics',
      '/v1/checkpoint/latest',
      '/v1/checkpoint/public-key',
      '/v1/rebuild',
      '/v1/stats',
      '/v1/tenants/{tenantId}/audit',
      '/v1/tenants/{tenantId}/ledger',
      '/v1/tenants/{tenantId}/obligations',
      '/v1/tenants/{tenantId}/obligations/retry',
      '/v1/tenants/{tenantId}/obligations/{obligationId}/extend',
      '/v1/tenants/{tenantId}/obligations/{obligationId}/resolve',
      '/v1/tenants/{tenantId}/subjects/lookup',
      '/v1/tenants/{tenantId}/subjects/{pseudonym}',
      '/v1/verify',
    ]);
    const ui = await api('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('health: Kafka, ledger and read model up', async () => {
    const r = await api('/health');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      status: 'ok',
      details: { kafka: { status: 'up' }, ledger: { status: 'up' }, readModel: { status: 'up' } },
    });
  });

  it('logs each request as JSON with the key id, never a key or a subject', async () => {
    await api('/v1/tenants/acme/audit', { key: keys.acme });
    const lines = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; route?: string; status?: number; keyId?: string });
    const requests = lines.filter((l) => l.msg === 'api request');
    expect(
      requests.some(
        (l) => l.route === '/v1/tenants/:tenantId/audit' && l.status === 200 && l.keyId?.startsWith('k_'),
      ),
    ).toBe(true);
    const all = fs.readFileSync(logFile, 'utf8');
    for (const secret of Object.values(keys)) expect(all).not.toContain(secret);
    expect(all).not.toContain('rlk_');
    expect(all).not.toContain(STORY_SUBJECT);
  });
});

describe('audit API without a projector in the process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-api-rebuild-'));
  const env = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    TOPIC_PREFIX: randomPrefix(),
    LOG_LEVEL: 'warn',
  };
  let runtime: Runtime | undefined;

  afterAll(async () => {
    await runtime?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets an operator rebuild the read model, and an auditor then reads it', async () => {
    const ledger = await openLedger(env.LEDGER_URL);
    for (const phase of auditStory('acme').phases) await ledger.appendBatch(phase.entries, phase.recordedAt);
    await ledger.close();
    const store = await openKeyStore(env.READ_MODEL_URL);
    const operator = (await store.create({ role: 'operator', tenantId: null }, new Date())).key;
    const scopedOperator = (await store.create({ role: 'operator', tenantId: 'acme' }, new Date())).key;
    await store.close();
    runtime = await startRuntime(loadConfig({ ...process.env, ...env }), ['api'], { apiPort: 0 });
    const api = apiClient(runtime.apiUrl!);
    const before = (await api('/v1/tenants/acme/obligations', { key: operator })).json as { count: number };
    expect(before.count).toBe(0);
    const scoped: ApiAnswer = await api('/v1/rebuild', { method: 'POST', key: scopedOperator });
    expect(scoped.status).toBe(403);
    const rebuilt = await api('/v1/rebuild', { method: 'POST', key: operator });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.json).toMatchObject({ entries: 18, obligations: { confirmed: 3, held: 1, scheduled: 1 } });
    const after = (await api('/v1/tenants/acme/obligations', { key: operator })).json as { count: number };
    expect(after.count).toBe(5);
  }, 60_000);
});
