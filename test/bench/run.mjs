#!/usr/bin/env node
// `npm run bench` (every benchmark, then BENCHMARKS.md) or `npm run bench -- <name> [<name>…]`.
// Options: `--rounds N` (measured rounds per variant, default 3), `--quick` (small sizes: checks that a benchmark
// runs; its figures are not for quoting), `--no-report` (skip BENCHMARKS.md), `--list`.
// The root script builds first (`turbo run build`): the bench runs the apps' dist/ as separate processes.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { BenchContext } from './lib/context.mjs';
import { machineCpu, machineLoad } from './lib/procfs.mjs';
import { benchDir, machineInfo, writeResult } from './lib/results.mjs';

/** Cores busy (everyone's processes) and stolen by the hypervisor over the benchmark, two decimals. */
const roundLoad = ({ busyCores, stealCores }) => ({
  busyCores: Math.round(busyCores * 100) / 100,
  stealCores: Math.round(stealCores * 100) / 100,
});

/** The suite, in the order of issue 8 (cheap and self-contained first). */
export const BENCHMARKS = ['queue', 'crawl', 'analysis', 'stream', 'api', 'sse', 'idle', 'memory', 'politeness'];
/**
 * Run by name only: `cluster` (issue 9) starts a 6-node local Redis Cluster beside a single Redis; `memory-repeat`
 * runs three crawls one after another, each followed by the TTL wait (~5 minutes); `tokenizer` (issue 15) compares
 * kumo's tokenizer with kuromoji and MeCab outside the system.
 */
export const EXTRA_BENCHMARKS = ['cluster', 'memory-repeat', 'tokenizer', 'web'];

async function loadBenchmark(name) {
  const mod = await import(pathToFileURL(path.join(benchDir, `${name}.mjs`)).href);
  if (mod.name !== name || typeof mod.run !== 'function' || typeof mod.description !== 'string') {
    throw new Error(`${name}.mjs must export { name: '${name}', description, run(ctx) }`);
  }
  return mod;
}

/** Runs one benchmark and writes its result file, whatever happens; returns its status. */
export async function runBenchmark(name, { rounds, quick, command }) {
  const bench = await loadBenchmark(name);
  const ctx = new BenchContext({ name, rounds, quick });
  ctx.machine = machineInfo();
  const machineBefore = machineCpu();
  const startedAt = new Date();
  let status = 'ok';
  let error;
  const stop = async () => {
    ctx.log('interrupted: stopping every process this benchmark started');
    await ctx.cleanup();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  ctx.log(`start: ${bench.description}`);
  try {
    await bench.run(ctx);
  } catch (caught) {
    status = 'error';
    error = (caught?.stack ?? String(caught)).slice(0, 4000);
    ctx.log(`ERROR: ${error}`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ctx.cleanup();
  }
  Object.assign(ctx.machine, roundLoad(machineLoad(machineBefore, machineCpu(), ctx.machine.cores)));
  const empty = ctx.metrics.some((m) => m.kumo.n === 0 || (m.baseline && m.baseline.n === 0));
  if (status === 'ok' && (ctx.blockedBy.length > 0 || empty)) {
    status = ctx.metrics.some((m) => m.kumo.n > 0) ? 'partial' : 'blocked';
  }
  const file = writeResult(ctx, { status, startedAt, error, description: bench.description, command });
  ctx.log(
    `${status} in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s → ${path.relative(process.cwd(), file)}`,
  );
  return status;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      'no-report': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const name of [...BENCHMARKS, ...EXTRA_BENCHMARKS])
      console.log(`${name}\t${(await loadBenchmark(name)).description}`);
    return;
  }
  const names = positionals.length > 0 ? positionals : BENCHMARKS;
  const known = [...BENCHMARKS, ...EXTRA_BENCHMARKS];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
  const command = `npm run bench${positionals.length > 0 || values.quick || values.rounds !== '3' ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

  const started = Date.now();
  const statuses = {};
  for (const name of names) statuses[name] = await runBenchmark(name, { rounds, quick: values.quick, command });
  console.log(`\nbench finished in ${((Date.now() - started) / 60000).toFixed(1)} min`);
  for (const [name, status] of Object.entries(statuses)) console.log(`  ${name.padEnd(9)} ${status}`);
  if (!values['no-report']) {
    const { generateReport } = await import('./report.mjs');
    const written = await generateReport();
    console.log(`report: ${path.relative(process.cwd(), written)}`);
  }
  if (Object.values(statuses).includes('error')) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Exit explicitly: a benchmark that left a timer or socket behind must not hold the suite open.
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error) => {
      console.error(error?.stack ?? error);
      process.exit(1);
    },
  );
}
