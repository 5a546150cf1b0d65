import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@app/config';
import { openKeyStore } from '@app/read-model';
import { apiClient } from '@app/audit-api/testing/api-client';
import { Runtime, startRuntime } from '../apps/cli/src/runtime';
import { randomPrefix } from './support/kafka';

/** A port nothing listens on (taken and released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The API's HTTP surface as a security review sees it, over real HTTP on loopback
 * (`run --only api`): where it binds, its headers, its rate limits and its health split.
 * Clients are told apart by X-Forwarded-For, which the API believes from loopback only
 * because API_TRUST_PROXY=loopback says so.
 */
describe('HTTP surface', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-http-'));
  const env = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    TOPIC_PREFIX: randomPrefix(),
    LOG_LEVEL: 'silent',
    API_HOST: '127.0.0.1',
    API_TRUST_PROXY: 'loopback',
    API_RATE_LIMIT: '5',
    API_AUTH_FAILURE_LIMIT: '3',
    API_RATE_WINDOW: 'PT30S',
  };
  let runtime: Runtime;
  let api: ReturnType<typeof apiClient>;
  let key = '';
  let port = 0;
  const from = (client: string, headers: Record<string, string> = {}) => ({
    headers: { 'x-forwarded-for': client, ...headers },
  });

  beforeAll(async () => {
    const store = await openKeyStore(env.READ_MODEL_URL);
    key = (await store.create({ role: 'auditor', tenantId: null }, new Date())).key;
    await store.close();
    runtime = await startRuntime(loadConfig({ ...process.env, ...env }), ['api'], { apiPort: 0 });
    api = apiClient(runtime.apiUrl!);
    port = Number(new URL(runtime.apiUrl!).port);
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on API_HOST only, not on every interface', async () => {
    expect(runtime.apiUrl).toBe(`http://127.0.0.1:${port}`);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    // Another loopback address of this machine: a server on every interface would answer there.
    expect(await accepts('127.0.0.2', port)).toBe(false);
  });

  it('answers with the security headers; /v1 is never cached; HSTS only behind TLS', async () => {
    const live = await api('/health/live');
    expect(live.headers.get('x-content-type-options')).toBe('nosniff');
    expect(live.headers.get('x-powered-by')).toBeNull();
    expect(live.headers.get('strict-transport-security')).toBeNull();
    const v1 = await api('/v1/stats', { key, ...from('10.0.0.1') });
    expect(v1.status).toBe(200);
    expect(v1.headers.get('cache-control')).toBe('no-store');
    expect(v1.headers.get('x-content-type-options')).toBe('nosniff');
    const behindTls = await api('/health/live', from('10.0.0.1', { 'x-forwarded-proto': 'https' }));
    expect(behindTls.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/);
  });

  it('refuses a client after API_AUTH_FAILURE_LIMIT failed authentications, even with a good key', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await api('/v1/stats', { key: 'rlk_wrong', ...from('10.0.0.2') })).status).toBe(401);
    }
    const refused = await api('/v1/stats', { key, ...from('10.0.0.2') });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // Another client is not affected.
    expect((await api('/v1/stats', { key, ...from('10.0.0.3') })).status).toBe(200);
  });

  it('limits /v1 requests per client to API_RATE_LIMIT per window, and never probes or scrapes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api('/v1/stats', { key, ...from('10.0.0.4') })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await api('/v1/stats', { key, ...from('10.0.0.4') });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 8; i++) {
      expect((await api('/health/live', from('10.0.0.4'))).status).toBe(200);
      expect((await api('/metrics', from('10.0.0.4'))).status).toBe(200);
    }
  });

  it('splits health: live asks nothing outside the process, ready asks Kafka and the stores', async () => {
    const live = await api('/health/live');
    expect(live.status).toBe(200);
    expect(live.json).toMatchObject({ status: 'ok', details: { process: { status: 'up' } } });
    expect(Object.keys((live.json as { details: object }).details)).toEqual(['process']);
    const ready = await api('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({
      details: { kafka: { status: 'up' }, ledger: { status: 'up' }, readModel: { status: 'up' } },
    });
    const combined = (await api('/health')).json as { details: Record<string, unknown> };
    expect(Object.keys(combined.details).sort()).toEqual(['kafka', 'ledger', 'readModel', 'stores']);
  });

  it('with Kafka away: live stays 200, ready and /health say 503', async () => {
    const deadBroker = `127.0.0.1:${await freePort()}`;
    const away = await startRuntime(
      loadConfig({ ...process.env, ...env, KAFKA_BROKERS: deadBroker, API_HOST: '::1' }),
      ['api'],
      { apiPort: 0 },
    );
    try {
      expect(away.apiUrl).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const call = apiClient(away.apiUrl!);
      expect((await call('/health/live')).status).toBe(200);
      const ready = await call('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ details: { kafka: { status: 'down' }, ledger: { status: 'up' } } });
      expect((await call('/health')).status).toBe(503);
    } finally {
      await away.stop();
    }
  }, 30_000);
});
