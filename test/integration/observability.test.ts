import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createMetrics } from '@kumo/observability';
import { describe, expect, it } from 'vitest';

// infra/observability: promtool validates the Prometheus configuration and the alert rules, and every metric an
// alert queries is one kumo really exports (named in the apps' source) or one of prom-client's default metrics.
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

const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'by', 'on', 'and', 'or', 'unless', 'rate', 'delta', 'increase']);

it('alerts query only metrics kumo exports', async () => {
  const known = new Set([...exportedKumoMetrics(), ...(await registryMetrics()), 'up']);
  const expressions = [...readFileSync(path.join(dir, 'alerts.yml'), 'utf8').matchAll(/^\s+expr: (.+)$/gm)].map(
    (match) => match[1]!,
  );
  expect(expressions.length).toBeGreaterThan(0);
  const unknown = new Set<string>();
  for (const expr of expressions) {
    // Strip label matchers and strings, then every identifier followed by `{`, `[`, `)` or whitespace is a name.
    const bare = expr.replace(/\{[^}]*\}/g, '{}').replace(/"[^"]*"/g, '""');
    for (const match of bare.matchAll(/\b([a-z_:][a-z0-9_:]*)\b(?!\s*\()/g)) {
      const name = match[1]!;
      if (PROMQL_WORDS.has(name) || /^\d/.test(name) || /^\d+[smhd]$/.test(name)) continue;
      if (/^(job|instance|queue|purpose|state|outcome|status)$/.test(name)) continue;
      if (!known.has(name.replace(/_(bucket|count|sum)$/, ''))) unknown.add(name);
    }
  }
  expect([...unknown].sort(), 'metrics no kumo process exports').toEqual([]);
});
