import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createMetrics } from '@kumo/observability';
import { freePort } from '@kumo/local-redis';
import { sampleSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { crawlToCompletion, startSystem, type RunningSystem } from '../helpers/api-processes.js';
import { uniquePrefix } from '../helpers/env.js';

// infra/observability: promtool validates the Prometheus configuration and the alert rules; every metric an alert
// or a Grafana panel queries is one kumo really exports: named in the apps' source, and served by a running
// system's /metrics endpoints after a crawl.
const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, 'infra/observability');
const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool) {
  process.stderr.write('observability.test: promtool not found (Debian package `prometheus`): skipping its checks\n');
}

describe.skipIf(!promtool)('promtool', () => {
  it('accepts the scrape configuration (and the rule file it names)', () => {
    const out = execFileSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });
  it('accepts the alert rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', path.join(dir, 'alerts.yml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });
});

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

/** Metric names the apps register (`'kumo_…'` literals in non-test source). */
function exportedKumoMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(path.join(root, 'apps')), ...sourceFiles(path.join(root, 'packages'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/['"`](kumo_[a-z0-9_]+)['"`]/g)) names.add(match[1]!);
  }
  return names;
}

/** The metrics of kumo's own per-process registry: prom-client's process and Node.js defaults, kumo's shared ones. */
async function registryMetrics(): Promise<Set<string>> {
  const { registry } = createMetrics({ app: 'observability-test' });
  return new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));
}

const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'and', 'or', 'unless', 'offset', 'bool']);

/**
 * The metric names a PromQL expression reads: label matchers, strings, ranges and `by (…)`/`on (…)` clauses
 * removed, every identifier not called as a function. `_bucket`/`_count`/`_sum` are kept (a histogram's series).
 */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((match) => match[1]!)
    .filter((name) => !PROMQL_WORDS.has(name) && !/^\d/.test(name));
}

const alertExpressions = () =>
  [...readFileSync(path.join(dir, 'alerts.yml'), 'utf8').matchAll(/^\s+expr: (.+)$/gm)].map((match) => match[1]!);

interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}
const dashboard = JSON.parse(readFileSync(path.join(dir, 'grafana/dashboards/kumo.json'), 'utf8')) as {
  uid: string;
  panels: DashboardPanel[];
};
const dashboardExpressions = () => dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr));

it('alerts and dashboard panels query only metrics kumo exports (named in the source)', async () => {
  const known = new Set([...exportedKumoMetrics(), ...(await registryMetrics()), 'up']);
  const expressions = [...alertExpressions(), ...dashboardExpressions()];
  expect(alertExpressions().length).toBeGreaterThan(0);
  const unknown = new Set(
    expressions.flatMap(metricNamesIn).filter((name) => !known.has(name.replace(/_(bucket|count|sum)$/, ''))),
  );
  expect([...unknown].sort(), 'metrics no kumo process exports').toEqual([]);
});

it('the Grafana dashboard is well formed and provisioned: unique ids, every panel on the provisioned datasource', () => {
  const datasources = readFileSync(path.join(dir, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8');
  const uid = /^\s+uid: (\S+)$/m.exec(datasources)?.[1];
  expect(uid).toBeDefined();
  const ids = dashboard.panels.map((panel) => panel.id);
  expect(new Set(ids).size).toBe(ids.length);
  const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');
  expect(graphs.length).toBeGreaterThanOrEqual(15);
  for (const panel of graphs) {
    expect(panel.datasource?.uid, panel.title).toBe(uid);
    expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    for (const target of panel.targets ?? []) expect(target.datasource?.uid ?? uid, panel.title).toBe(uid);
    expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
  }
  const compose = readFileSync(path.join(root, 'infra/docker-compose.yml'), 'utf8');
  expect(compose).toContain('./observability/grafana/dashboards:/var/lib/grafana/dashboards:ro');
  expect(readFileSync(path.join(dir, 'grafana/provisioning/dashboards/kumo.yml'), 'utf8')).toContain(
    'path: /var/lib/grafana/dashboards',
  );
});

/** Names of every metric family in a Prometheus text exposition, with a histogram's `_bucket`/`_sum`/`_count`. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram' || type === 'summary')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('against a running system', () => {
  const redisUrl = inject('redisUrl');
  let system: RunningSystem | undefined;
  let site: SiteServer | undefined;
  afterAll(async () => {
    await system?.stop();
    await site?.close();
  });

  it('every metric the dashboard and the alerts query is exported by the API or a worker supervisor after a crawl', async () => {
    const [crawlPort, analysisPort] = [await freePort(), await freePort()];
    system = await startSystem({
      redisUrl,
      prefix: uniquePrefix('obs'),
      overrides: { CRAWL_WORKER_METRICS_PORT: String(crawlPort), ANALYSIS_WORKER_METRICS_PORT: String(analysisPort) },
    });
    site = await startSiteServer({ site: sampleSite() });
    await crawlToCompletion(system, [`${site.url}/index.html`], 2);

    const live = new Set(['up']);
    for (const url of [
      `${system.url}/metrics`,
      `http://127.0.0.1:${crawlPort}/metrics`,
      `http://127.0.0.1:${analysisPort}/metrics`,
    ]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      for (const name of exposedNames(await response.text())) live.add(name);
    }
    const queried = new Set([...alertExpressions(), ...dashboardExpressions()].flatMap(metricNamesIn));
    expect(queried.size).toBeGreaterThan(15);
    expect([...queried].filter((name) => !live.has(name)).sort(), 'queried but not exported by a running kumo').toEqual(
      [],
    );
  });
});
