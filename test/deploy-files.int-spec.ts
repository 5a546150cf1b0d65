import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { createLogger, systemClock } from '@app/config';
import { openLedger } from '@app/ledger';
import { openCheckpointStore } from '@app/proof';
import { openReadModel } from '@app/read-model';
import { ApiMetrics } from '@app/audit-api';
import { parseServices } from '../apps/cli/src/runtime';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureTool } = require('../deploy/tools/ensure-debian-tool.js') as {
  ensureTool: (binary: string, pkg?: string) => string;
};

const DEPLOY = path.join(__dirname, '..', 'deploy');
const read = (file: string) => fs.readFileSync(path.join(DEPLOY, file), 'utf8');

type Doc = Record<string, unknown> & { kind: string; apiVersion: string; metadata: { name: string } };
type Container = {
  args?: string[];
  livenessProbe?: { httpGet?: { path: string; port: unknown } };
  readinessProbe?: { httpGet?: { path: string; port: unknown } };
  resources?: { limits?: { cpu?: string; memory?: string }; requests?: object };
  securityContext?: { allowPrivilegeEscalation?: boolean };
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
};

/** The Kubernetes OpenAPI schema of each kind, as the kubernetes-models package ships it. */
const MODELS: Record<string, string> = {
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
};

function kubernetesDocs(): Array<{ file: string; doc: Doc }> {
  const dir = path.join(DEPLOY, 'kubernetes');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) =>
      YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => ({
        file,
        doc: d.toJS() as Doc,
      })),
    );
}

/** Metric names a real /metrics exposition of ApiMetrics declares (histograms with their series). */
async function exportedMetricNames(): Promise<Set<string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-deploy-'));
  const ledger = await openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
  const readModel = await openReadModel(`sqlite:${path.join(dir, 'read-model.db')}`);
  const checkpoints = await openCheckpointStore(`sqlite:${path.join(dir, 'ledger.db')}`);
  try {
    const metrics = new ApiMetrics({
      ledger,
      readModel,
      clock: systemClock,
      log: createLogger('silent'),
      refreshMs: 60_000,
      pipeline: { projectorInProcess: false },
      checkpoints,
    });
    await metrics.stores.refresh();
    const names = new Set<string>();
    for (const m of (await metrics.metrics()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(m[1]);
      if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1] + s);
    }
    return names;
  } finally {
    await readModel.close();
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Identifiers in PromQL that are metric names (not functions, keywords or label names). */
function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:retention_ledger|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) => m[1]);
}

/**
 * deploy/ checked offline, as CI can (no Docker engine, no cluster): the compose file by
 * Debian's docker-compose, the manifests against the Kubernetes schemas, the alert rules
 * and their unit tests by promtool, and every metric a rule or a panel names against a
 * real /metrics exposition.
 */
describe('deploy files', () => {
  it('the compose file is valid, and every role is a `run --only` the CLI knows', () => {
    const compose = ensureTool('docker-compose', 'docker-compose');
    execFileSync(compose, ['-f', path.join(DEPLOY, 'docker-compose.yml'), 'config', '-q'], { stdio: 'pipe' });
    const doc = YAML.parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { command?: string[]; image?: string; environment?: Record<string, string> }>;
    };
    expect(doc.services.kafka.image).toMatch(/^apache\/kafka:/);
    expect(doc.services.postgres.image).toMatch(/^postgres:/);
    const roles = Object.entries(doc.services).filter(([, s]) => s.command?.[0] === 'run');
    expect(roles.map(([name]) => name).sort()).toEqual(['api', 'dispatcher', 'ingest', 'projector']);
    for (const [name, s] of roles) {
      expect(s.command?.[1]).toBe('--only');
      expect(parseServices(s.command![2])).toContain(name);
      expect(s.environment?.API_HOST).toBe('0.0.0.0');
      expect(s.environment?.LEDGER_URL).toMatch(/^postgres:\/\//);
    }
    expect(Object.keys(doc.services).filter((n) => n.startsWith('regional-store-'))).toHaveLength(2);
  });

  it('the Dockerfile builds in stages, runs as a non-root user and checks /health/live', () => {
    const file = read('Dockerfile');
    expect(file.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(file).toMatch(/^COPY --from=build /m);
    const user = [...file.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(user.length).toBeGreaterThan(0);
    expect(user[user.length - 1]).not.toMatch(/^(root|0)$/);
    expect(file).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
    expect(file).toMatch(/API_HOST=0\.0\.0\.0/);
    expect(file).toMatch(/^ENTRYPOINT \["node", "dist\/apps\/cli\/src\/main\.js"\]/m);
  });

  it('the Kubernetes manifests satisfy the Kubernetes schemas, with probes, limits and the Secret', () => {
    const docs = kubernetesDocs();
    for (const { file, doc } of docs) {
      const model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      if (!model) throw new Error(`${file}: no schema for ${doc.apiVersion} ${doc.kind}`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Model = (require(model) as Record<string, new (d: unknown) => { validate(): void }>)[doc.kind];
      expect(() => new Model(doc).validate()).not.toThrow();
    }
    const kustomization = YAML.parse(read('kubernetes/kustomization.yaml')) as { resources: string[] };
    expect([...new Set(docs.map((d) => d.file))].sort()).toEqual([...kustomization.resources].sort());

    const secret = docs.find((d) => d.doc.kind === 'Secret')!.doc as Doc & {
      stringData: Record<string, string>;
    };
    expect(Object.keys(secret.stringData)).toEqual(
      expect.arrayContaining(['checkpoint-key.pem', 'kafka-sasl-password', 'ledger-url']),
    );
    const deployments = docs.filter((d) => d.doc.kind === 'Deployment').map((d) => d.doc);
    const roles = new Map<string, Container>();
    for (const d of deployments) {
      const pod = (d.spec as { template: { spec: { containers: Container[]; securityContext: object } } })
        .template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      const [c] = pod.containers;
      expect(c.args?.slice(0, 2)).toEqual(['run', '--only']);
      for (const role of parseServices(c.args![2]))
        if (role !== 'api' || c.args![2] === 'api') roles.set(role, c);
      expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(c.resources?.limits?.cpu).toBeDefined();
      expect(c.resources?.limits?.memory).toBeDefined();
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) expect(Object.keys(secret.stringData)).toContain(ref.key);
      }
    }
    expect([...roles.keys()].sort()).toEqual(['api', 'dispatcher', 'ingest', 'projector']);
  });

  it('the alert rules pass promtool check rules, and promtool test rules: every alert fires and stays silent', () => {
    const promtool = ensureTool('promtool', 'prometheus');
    execFileSync(promtool, ['check', 'rules', path.join(DEPLOY, 'prometheus', 'alerts.yml')], {
      stdio: 'pipe',
    });
    execFileSync(promtool, ['check', 'config', path.join(DEPLOY, 'prometheus', 'prometheus.yml')], {
      stdio: 'pipe',
    });
    const out = execFileSync(
      promtool,
      ['test', 'rules', path.join(DEPLOY, 'prometheus', 'alerts.test.yml')],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain('SUCCESS');

    const rules = YAML.parse(read('prometheus/alerts.yml')) as {
      groups: Array<{ rules: Array<{ alert: string }> }>;
    };
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    type Case = { alertname: string; exp_alerts: unknown[] };
    const tests = YAML.parse(read('prometheus/alerts.test.yml')) as {
      tests: Array<{ alert_rule_test: Case[] }>;
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect({ alert, fires: mine.some((c) => c.exp_alerts.length > 0) }).toEqual({ alert, fires: true });
      expect({ alert, silent: mine.some((c) => c.exp_alerts.length === 0) }).toEqual({ alert, silent: true });
    }
  });

  it('the rules and the dashboard name only metrics the code exports, in PromQL promtool parses', async () => {
    const exported = await exportedMetricNames();
    const rules = YAML.parse(read('prometheus/alerts.yml')) as {
      groups: Array<{ rules: Array<{ expr: string }> }>;
    };
    const dashboard = JSON.parse(read('grafana/retention-ledger.json')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exprs = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ];
    const named = new Set(exprs.flatMap(metricNamesIn));
    expect([...named].filter((n) => !exported.has(n))).toEqual([]);
    // Every panel query is PromQL: promtool parses it as a recording rule.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-dash-'));
    try {
      const file = path.join(tmp, 'panels.yml');
      const panelRules = dashboard.panels.flatMap((p, i) =>
        p.targets.map((t, j) => ({ record: `dashboard:panel_${i}_${j}`, expr: t.expr })),
      );
      fs.writeFileSync(file, YAML.stringify({ groups: [{ name: 'dashboard', rules: panelRules }] }));
      execFileSync(ensureTool('promtool', 'prometheus'), ['check', 'rules', file], { stdio: 'pipe' });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
