// The result file of one benchmark: test/bench/results/<name>.json, meant to be committed with the commit it was
// measured on, so BENCHMARKS.md can always be regenerated from what is in the tree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const resultsDir = path.join(benchDir, 'results');

function git(args) {
  try {
    return execFileSync('git', args, { cwd: benchDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** What a bench run writes itself (relative to `benchDir`, git's cwd here): not a change to the code measured. */
const BENCH_OUTPUTS = ['results', 'charts', 'profiles', 'BENCHMARKS.md'].map((name) => `:(exclude)${name}`);

/**
 * The commit measured, and whether the tree had uncommitted changes (figures of a dirty tree say so), apart from
 * the bench's own outputs. Taken once when the run starts, after the build: the code measured is what was built.
 */
export function gitInfo() {
  const commit = git(['rev-parse', 'HEAD']);
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', ':/', ...BENCH_OUTPUTS]);
  return { commit, dirty: status === null ? null : status.length > 0 };
}

const runGitInfo = gitInfo();

function readAutogroup() {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return null;
  }
}

/** The machine: what a reader needs to compare figures across runs. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    /** Load average when the benchmark started: other work on the same cores halves figures. */
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    /**
     * Linux autogroup scheduling: CPU is shared fairly between sessions, not processes, so everything the bench
     * starts (kumo's processes and the baselines alike) shares one session's part of a busy machine.
     */
    schedAutogroup: readAutogroup(),
  };
}

/** Writes results/<name>.json and returns its path. */
export function writeResult(ctx, { status, startedAt, error, description, command }) {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${ctx.name}.json`);
  const result = {
    name: ctx.name,
    description,
    status,
    ...(error ? { error } : {}),
    command,
    ...runGitInfo,
    date: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    machine: ctx.machine ?? machineInfo(),
    rounds: ctx.rounds,
    quick: ctx.quick,
    metrics: ctx.metrics,
    blockedBy: ctx.blockedBy,
    notes: ctx.notes,
    data: ctx.data,
    charts: ctx.charts,
  };
  writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
  return file;
}

/** Every result file, by benchmark name. */
export function readResults() {
  const results = new Map();
  let files = [];
  try {
    files = readdirSync(resultsDir).filter((file) => file.endsWith('.json'));
  } catch {
    return results;
  }
  for (const file of files) {
    const result = JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8'));
    results.set(result.name, result);
  }
  return results;
}
