import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewEntry } from '@app/contracts';
import { createLogger, loadConfig } from '@app/config';
import { openLedger } from '@app/ledger';
import { subjectSealer } from '@app/pipeline';
import { openKeyStore } from '@app/read-model';
import { openSubjectKeyStore } from '@app/subject-keys';
import { apiClient } from '@app/audit-api/testing/api-client';
import { Runtime, startRuntime } from '../apps/cli/src/runtime';
import { randomPrefix } from './support/kafka';

/** The API's data-subject view over real HTTP: by pseudonym for readers, by id (in the body) for operators, never the id back. */
describe('audit API: subjects', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-subjects-api-'));
  const env = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    SUBJECT_KEYS_URL: `sqlite:${path.join(dir, 'subject-keys.db')}`,
    CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
    TOPIC_PREFIX: randomPrefix(),
  };
  const subjectId = 'dora.subject@example.com';
  const keys = { auditor: '', operator: '' };
  let pseudonym = '';
  let runtime: Runtime;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    const occurredAt = new Date(Date.UTC(2026, 0, 1)).toISOString();
    const facts: NewEntry[] = [
      {
        eventId: 'c-1',
        tenantId: 'acme',
        type: 'DataCreated',
        occurredAt,
        data: { dataId: 'profile', category: 'personal', region: 'eu', store: 'main' },
        subject: { subjectId },
        source: null,
      },
      {
        eventId: 'd-1',
        tenantId: 'acme',
        type: 'UserDeleted',
        occurredAt,
        data: { deletedBy: 'user' },
        subject: { subjectId },
        source: null,
      },
    ];
    const ledger = await openLedger(env.LEDGER_URL);
    const subjectKeys = await openSubjectKeyStore(env.SUBJECT_KEYS_URL);
    await ledger.appendBatch(await subjectSealer(subjectKeys)(facts, new Date(occurredAt)));
    pseudonym = (await subjectKeys.findPseudonym('acme', subjectId))!;
    await subjectKeys.close();
    await ledger.close();
    const store = await openKeyStore(env.READ_MODEL_URL);
    keys.auditor = (await store.create({ role: 'auditor', tenantId: 'acme' }, new Date())).key;
    keys.operator = (await store.create({ role: 'operator', tenantId: null }, new Date())).key;
    await store.close();
    runtime = await startRuntime(loadConfig({ ...process.env, ...env }), ['api'], {
      apiPort: 0,
      log: createLogger('warn', 'subjects-api-test', path.join(dir, 'api.log')),
    });
    api = apiClient(runtime.apiUrl!);
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    if (!process.env.KEEP_TEST_FILES) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows a reader the subject by pseudonym: data, obligations, key state, and never the id', async () => {
    const r = await api(`/v1/tenants/acme/subjects/${pseudonym}`, { key: keys.auditor });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      tenantId: 'acme',
      pseudonym,
      key: { state: 'active', createdAt: expect.any(String) },
      data: [{ dataId: 'profile', category: 'personal', region: 'eu', store: 'main', deleted: false }],
      obligations: [{ status: 'scheduled', reason: 'user-deleted' }],
      holdIds: [],
    });
    expect(r.text).not.toContain(subjectId);
  });

  it('finds the subject by id for operators only, the id in the body, and answers without it', async () => {
    const body = { subjectId };
    expect(
      (await api('/v1/tenants/acme/subjects/lookup', { method: 'POST', key: keys.auditor, body })).status,
    ).toBe(403);
    const r = await api('/v1/tenants/acme/subjects/lookup', { method: 'POST', key: keys.operator, body });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ pseudonym, key: { state: 'active' } });
    expect(r.text).not.toContain(subjectId);
    const unknown = await api('/v1/tenants/acme/subjects/lookup', {
      method: 'POST',
      key: keys.operator,
      body: { subjectId: 'nobody@example.com' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.text).not.toContain('nobody@example.com');
  });

  it('refuses what is not a pseudonym, and a tenant the key may not read', async () => {
    expect((await api('/v1/tenants/acme/subjects/not-a-pseudonym', { key: keys.auditor })).status).toBe(400);
    expect((await api(`/v1/tenants/globex/subjects/${pseudonym}`, { key: keys.auditor })).status).toBe(403);
  });
});
