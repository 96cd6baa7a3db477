// One tokenizer in its own process over the corpora of the `tokenizer` benchmark, timing tokenising alone (CPU
// seconds of this process, after an untimed warm-up pass over the same corpus).
//
// Usage: node tokenize-loop.mjs '{"file":"/tmp/…/corpora.json","tokenizer":"kuromoji"|"kumo"|"analyze","corpora":["generated",…]}'
//   →  { loadMs, rssAfterLoadMb, results: { <corpus>: { texts, chars, tokens, cpuSeconds, ms, charsPerCpuSecond } } }
// `kumo` is the raw engine (`JapaneseTokenizer.tokenize` with one chunk per text); `analyze` alternates, per corpus,
// `analyzeText` (kumo's analysis path, 2,000-character chunks) and the raw engine on the same chunks.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const options = JSON.parse(process.argv[2]);
const corpora = JSON.parse(await readFile(options.file, 'utf8'));

const loadStarted = performance.now();
let tokenize;
let analyze;
let chunked;
if (options.tokenizer === 'kuromoji') {
  const { default: kuromoji } = await import('kuromoji');
  const require = createRequire(import.meta.url);
  const dicPath = path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
  const tokenizer = await new Promise((resolve, reject) =>
    kuromoji.builder({ dicPath }).build((error, built) => (error ? reject(error) : resolve(built))),
  );
  tokenize = (text) => tokenizer.tokenize(text).length;
} else {
  const { analyzeText, loadTokenizer } = await import('@kumo/analyzer');
  const tokenizer = await loadTokenizer();
  tokenize = (text) => tokenizer.tokenize(text, { maxChunkChars: Math.max(16, text.length) }).length;
  chunked = (text) => tokenizer.tokenize(text).length;
  analyze = async (text) => (await analyzeText(text, tokenizer)).tokens;
}
const loadMs = performance.now() - loadStarted;
const rssAfterLoadMb = process.memoryUsage().rss / 1e6;

async function measure(texts, fn) {
  for (const text of texts) await fn(text); // warm-up: JIT, and each side's caches
  let chars = 0;
  let tokens = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (const text of texts) {
    chars += text.length;
    tokens += await fn(text);
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { texts: texts.length, chars, tokens, cpuSeconds, ms, charsPerCpuSecond: chars / cpuSeconds };
}

/** How many times the raw engine and `analyzeText` alternate on each corpus. */
const ALTERNATIONS = 6;
/**
 * Untimed passes of each before they alternate: an analysis process runs for hours, so its steady state is what the
 * ratio is about, and V8 takes four or five passes over the real pages (~1,000 pages) to reach it on the analysis
 * path (the first timed passes ran 10–20 % slower) against one or two on the raw engine.
 */
const STEADY_STATE_PASSES = 6;

/** Several measurements of one corpus as one. */
function sum(runs) {
  const cpuSeconds = runs.reduce((total, run) => total + run.cpuSeconds, 0);
  const chars = runs.reduce((total, run) => total + run.chars, 0);
  return {
    ...runs[0],
    cpuSeconds,
    ms: runs.reduce((total, run) => total + run.ms, 0),
    charsPerCpuSecond: chars / cpuSeconds,
  };
}

const results = {};
for (const corpus of options.corpora) {
  const texts = corpora[corpus];
  if (options.tokenizer === 'analyze') {
    // Raw and analysis alternate, six times each, so that drift on the shared cores (its speed varies by 2× within
    // seconds on busy machines) hits both alike.
    const raw = [];
    const analysis = [];
    for (let i = 0; i < STEADY_STATE_PASSES; i++) {
      for (const text of texts) await chunked(text);
      for (const text of texts) await analyze(text);
    }
    for (let i = 0; i < ALTERNATIONS; i++) {
      raw.push(await measure(texts, chunked));
      analysis.push(await measure(texts, analyze));
    }
    results[`${corpus}:raw`] = sum(raw);
    results[`${corpus}:analyze`] = sum(analysis);
  } else {
    results[corpus] = await measure(texts, tokenize);
  }
}
process.stdout.write(`${JSON.stringify({ loadMs, rssAfterLoadMb, results })}\n`);
