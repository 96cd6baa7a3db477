// Small, dependency-free statistics for benchmark rounds. Medians and ranges rather than means: on a shared 2-core
// machine one disturbed round would drag a mean, and min–max shows how much the rounds disagreed.

/** Quantile `q` (0–1) of numbers, linear interpolation between closest ranks. NaN for an empty list. */
export function quantile(values, q) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

export const median = (values) => quantile(values, 0.5);

/**
 * `{ n, median, min, max, values }` of the rounds of one variant. `values` keeps the raw rounds, in run order,
 * so a reader can check the interleaving and the report can chart them.
 */
export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    n: finite.length,
    median: round(median(finite)),
    min: round(finite.length ? extent(finite)[0] : Number.NaN),
    max: round(finite.length ? extent(finite)[1] : Number.NaN),
    values: values.map(round),
  };
}

/** Rounds to 4 significant digits (JSON stays readable; nothing we measure is more precise than that). */
export function round(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value ?? null;
  if (value === 0) return 0;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

/** Whether `value` satisfies `{ op, value }` (`>=`, `<=`, `<`, `>`). Null when there is nothing to compare. */
export function meets(value, target) {
  if (!target || typeof value !== 'number' || !Number.isFinite(value)) return null;
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '>':
      return value > target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
    default:
      throw new Error(`unknown target operator ${target.op}`);
  }
}

/** Smallest and largest of any number of values (no spread: arrays of events run into the hundreds of thousands). */
export function extent(values) {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}

/** Counts of `times` (ms) in bins of `binMs` from 0 to the last time: the rate-over-time series of a chart. */
export function bin(times, binMs) {
  if (times.length === 0) return [];
  const [, last] = extent(times);
  const counts = new Array(Math.floor(last / binMs) + 1).fill(0);
  for (const t of times) counts[Math.floor(t / binMs)] += 1;
  return counts.map((count, index) => ({ t: index * binMs, count }));
}
