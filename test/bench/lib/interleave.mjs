// A B A B …: kumo and its baseline alternate round by round, so slow drift on a shared machine (another engineer's
// build, thermal throttling, page cache) hits both sides alike instead of whichever happened to run second.
import { cpus } from 'node:os';
import { machineCpu, machineLoad } from './procfs.mjs';

/**
 * Runs `warmup` discarded rounds, then `rounds` measured rounds, each running every variant once in the given order.
 * A variant's `run(round)` returns one measurement (any value); a thrown error is recorded for that round and the
 * other rounds go on (a benchmark that cannot run a variant at all says so in its result).
 *
 * @template T
 * @param {import('./context.mjs').BenchContext} ctx
 * A variant may set `warmup: false` (a fresh process per run has nothing to warm), `warmup: fn` (a smaller job that
 * warms the same code, to save time), and `rounds` (fewer rounds for a slow baseline, so the suite stays within its
 * time budget).
 *
 * @param {Array<{
 *   name: string, run: (round: number) => Promise<T>, warmup?: boolean | (() => Promise<unknown>), rounds?: number,
 * }>} variants
 * @param {{ rounds?: number, warmup?: number }} [options]
 * @returns {Promise<Record<string, { values: T[], errors: string[] }>>}
 */
export async function interleave(ctx, variants, options = {}) {
  const rounds = options.rounds ?? ctx.rounds;
  const warmup = options.warmup ?? 1;
  /** @type {Record<string, { values: T[], errors: string[] }>} */
  const out = Object.fromEntries(variants.map((v) => [v.name, { values: [], errors: [] }]));
  for (let round = -warmup; round < rounds; round++) {
    for (const variant of variants) {
      if (round < 0 && variant.warmup === false) continue;
      if (round >= (variant.rounds ?? rounds)) continue;
      const label = round < 0 ? 'warm-up' : `round ${round + 1}/${rounds}`;
      try {
        const machineBefore = machineCpu();
        const value =
          round < 0 && typeof variant.warmup === 'function' ? await variant.warmup() : await variant.run(round);
        // What the whole machine did meanwhile: on shared cores, a slow round is often someone else's busy round.
        if (value && typeof value === 'object')
          Object.assign(value, machineLoad(machineBefore, machineCpu(), cpus().length));
        if (round >= 0) out[variant.name].values.push(value);
        ctx.log(`${label} ${variant.name}: ${brief(value)}`);
      } catch (error) {
        const message = error?.message ?? String(error);
        ctx.log(`${label} ${variant.name} FAILED: ${message.split('\n')[0]}`);
        if (round >= 0) out[variant.name].errors.push(message.slice(0, 2000));
      }
    }
  }
  for (const [variant, { errors }] of Object.entries(out)) {
    if (errors.length > 0) ctx.note(`${variant}: ${errors.length} round(s) failed; first: ${errors[0].slice(0, 600)}`);
  }
  return out;
}

/** The scalar fields of a measurement, rounded: enough for the terminal. */
function brief(value) {
  const scalars =
    value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([, v]) => v === null || typeof v !== 'object')
            .map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 100) / 100 : v]),
        )
      : value;
  const text = typeof scalars === 'object' ? JSON.stringify(scalars) : String(scalars);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
