// Chart specs (Vega-Lite, data inline) that benchmarks attach to their results, and their rendering to SVG in Node
// with Vega's headless view (no canvas, no browser): text is measured by Vega's estimator, good enough for charts.
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { summarize } from './stats.mjs';

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 520,
  height: 220,
  background: 'white',
  config: {
    font: 'sans-serif',
    axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 340 },
    legend: { labelFontSize: 11, labelLimit: 300 },
  },
};

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec, title) {
  const full = { ...BASE, ...(title ? { title } : {}), ...spec };
  const compiled = vegaLite.compile(full).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** A line per variant, a point per round, in run order: shows drift and whether interleaving cancelled it. */
export function roundsChart(out, pick, unit) {
  const values = [];
  for (const [variant, { values: rounds }] of Object.entries(out)) {
    rounds.forEach((value, index) => values.push({ round: index + 1, variant, value: pick(value) }));
  }
  return {
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'round', type: 'ordinal', title: 'round' },
      y: { field: 'value', type: 'quantitative', title: unit, scale: { zero: true } },
      color: { field: 'variant', type: 'nominal' },
    },
  };
}

/** Horizontal bars of `{ label, value, group? }` rows (medians), with min–max whiskers when `min`/`max` are given. */
export function barsChart(rows, unit) {
  const bars = {
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: null },
      x: { field: 'value', type: 'quantitative', title: unit },
      color: { field: 'group', type: 'nominal', title: null },
    },
  };
  const whiskers = {
    mark: { type: 'rule', color: 'black' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null },
      x: { field: 'min', type: 'quantitative' },
      x2: { field: 'max' },
    },
  };
  const hasRange = rows.some((row) => row.min !== undefined);
  return {
    data: { values: rows },
    height: Math.max(60, rows.length * 28),
    layer: hasRange ? [bars, whiskers] : [bars],
  };
}

/** A time series: `{ t, value, series? }` rows, t in seconds. */
export function timeChart(rows, { x = 'time (s)', y, step = false } = {}) {
  return {
    data: { values: rows },
    mark: { type: 'line', interpolate: step ? 'step-after' : 'linear' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: x },
      y: { field: 'value', type: 'quantitative', title: y },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Rows for barsChart from interleave's output: each variant's median and min–max of `pick(value)`. */
export function summaryRows(out, pick) {
  return Object.entries(out).map(([variant, { values }]) => {
    const summary = summarize(values.map(pick));
    return {
      label: variant,
      group: variant.startsWith('kumo') ? 'kumo' : 'baseline',
      value: summary.median,
      min: summary.min,
      max: summary.max,
    };
  });
}

/**
 * Where the CPU went: one stacked bar per variant, a segment per component (kumo: each app and Redis; a baseline:
 * its one process), medians of CPU seconds per `per` units of work (e.g. per 1,000 pages).
 */
export function cpuChart(out, per, unit) {
  const rows = [];
  for (const [variant, { values }] of Object.entries(out)) {
    if (values.length === 0) continue;
    const components = values[0].cpu ? Object.keys(values[0].cpu) : ['process'];
    for (const component of components) {
      const perUnit = values
        .map((v) => ((v.cpu ? v.cpu[component] : v.cpuSeconds) / v[per.field]) * per.scale)
        .sort((a, b) => a - b);
      rows.push({ label: variant, component, value: perUnit[Math.floor(perUnit.length / 2)] });
    }
  }
  return {
    data: { values: rows },
    height: Math.max(60, new Set(rows.map((r) => r.label)).size * 30),
    mark: 'bar',
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: null },
      x: { field: 'value', type: 'quantitative', title: unit, stack: 'zero' },
      color: { field: 'component', type: 'nominal', title: null },
    },
  };
}
