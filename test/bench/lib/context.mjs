// What every benchmark's run(ctx) receives: a temp dir, a cleanup stack, a logger to the terminal, and the recorder
// its figures go to. Figures are recorded as metrics (kumo vs baseline, ratio, target) and charts (Vega-Lite specs
// with inline data) so that report.mjs can render any benchmark without knowing it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { meets, round, summarize } from './stats.mjs';

/**
 * @typedef {{ op: '>=' | '<=' | '<' | '>', value: number }} Target
 * @typedef {{
 *   id: string, label: string, unit: string,
 *   kumo: ReturnType<typeof summarize>, baseline?: ReturnType<typeof summarize> | null, baselineLabel?: string,
 *   ratio?: number | null, ratioOf?: string, target?: Target | null, targetOn?: 'ratio' | 'kumo', met?: boolean | null,
 *   note?: string,
 * }} Metric
 */

export class BenchContext {
  /** @param {{ name: string, rounds: number, quick: boolean, log?: (line: string) => void }} options */
  constructor(options) {
    this.name = options.name;
    /** Measured rounds per variant (after one discarded warm-up round). */
    this.rounds = options.rounds;
    /** `--quick`: smaller sites and shorter windows, to check that a benchmark runs, not to quote its figures. */
    this.quick = options.quick;
    this.dir = mkdtempSync(path.join(tmpdir(), `kumo-bench-${options.name}-`));
    /** @type {Metric[]} */
    this.metrics = [];
    /** @type {{ id: string, title: string, spec: object }[]} */
    this.charts = [];
    /** @type {string[]} */
    this.notes = [];
    /** What could not be measured, and why (an app not ready, a feature missing). */
    /** @type {string[]} */
    this.blockedBy = [];
    /** Free-form figures (settings, per-process numbers) kept in the result file. */
    this.data = {};
    /** @type {Array<() => unknown>} */
    this.cleanups = [];
    this.writeLine = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  log(message) {
    this.writeLine(`[${this.name}] ${message}`);
  }

  /** A directory under this run's temp dir. */
  tmp(name) {
    const dir = path.join(this.dir, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Registers a cleanup; they run last-in first-out, each even if an earlier one failed. */
  defer(fn) {
    this.cleanups.push(fn);
    return fn;
  }

  async cleanup() {
    while (this.cleanups.length > 0) {
      const fn = this.cleanups.pop();
      try {
        await fn();
      } catch (error) {
        this.log(`cleanup failed: ${error?.message ?? error}`);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  note(text) {
    this.notes.push(text);
    this.log(`note: ${text}`);
  }

  /** Records something this run could not measure and what it is blocked on. */
  blocked(text) {
    this.blockedBy.push(text);
    this.log(`BLOCKED: ${text}`);
  }

  /**
   * Records one comparison. `kumo` and `baseline` are the per-round values; the ratio is kumo/baseline of the
   * medians unless `ratio` is given (e.g. loaded/idle). `targetOn: 'kumo'` checks the target against kumo's median
   * itself (absolute targets such as "under 0.1% of a core"), otherwise against the ratio.
   */
  metric({
    id,
    label,
    unit,
    kumo,
    baseline = null,
    baselineLabel,
    ratio,
    ratioOf,
    target = null,
    targetOn = 'ratio',
    note,
  }) {
    const kumoSummary = summarize(kumo);
    const baselineSummary = baseline ? summarize(baseline) : null;
    let computed = ratio;
    if (computed === undefined) {
      computed =
        baselineSummary && Number.isFinite(baselineSummary.median) && baselineSummary.median !== 0
          ? kumoSummary.median / baselineSummary.median
          : null;
    }
    const checked = targetOn === 'kumo' ? kumoSummary.median : computed;
    /** @type {Metric} */
    const metric = {
      id,
      label,
      unit,
      kumo: kumoSummary,
      baseline: baselineSummary,
      ...(baselineLabel ? { baselineLabel } : {}),
      ratio: computed === null ? null : round(computed),
      ...(ratioOf ? { ratioOf } : {}),
      target,
      targetOn,
      met: meets(checked, target),
      ...(note ? { note } : {}),
    };
    this.metrics.push(metric);
    const range = (s) => (s ? `${s.median} [${s.min}–${s.max}]` : '—');
    this.log(
      `${label}: kumo ${range(kumoSummary)} ${unit}` +
        (baselineSummary ? ` | ${baselineLabel ?? 'baseline'} ${range(baselineSummary)}` : '') +
        (metric.ratio !== null ? ` | ratio ${metric.ratio}` : '') +
        (target
          ? ` | target ${targetOn === 'kumo' ? '' : 'ratio '}${target.op} ${target.value}: ${metric.met === null ? 'n/a' : metric.met ? 'met' : 'MISSED'}`
          : ''),
    );
    return metric;
  }

  /** A chart: a Vega-Lite spec with inline data (rendered to SVG by report.mjs). */
  chart(id, title, spec) {
    this.charts.push({ id, title, spec });
  }
}
