// `tokenizer`: characters per CPU second of kumo's tokenizer (LatticeTokenizer, kuromoji's tokens in linear time)
// against kuromoji.tokenize and MeCab, each in its own process, interleaved round by round, on the benchmark's
// generated site, on prose and on real pages (the shared fixture sites, extracted the way the crawler extracts them);
// µs/char at 100- vs 10,000-character pieces; and the analysis path (analyzeText) against the raw engine.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { splitIntoChunks } from '@kumo/analyzer';
import { decodeHtml, extractPage } from '@kumo/crawler';
import { interleave } from './lib/interleave.mjs';
import { benchDir } from './lib/results.mjs';
import { round } from './lib/stats.mjs';
import { repoRoot } from './lib/helpers.mjs';
import { prepareSite, runNodeJson } from './lib/system.mjs';

export const name = 'tokenizer';
export const description =
  'Chars per CPU second of kumo’s tokenizer vs kuromoji.tokenize vs MeCab (each its own process, interleaved) on ' +
  'the generated site’s text, prose lines and real pages (fixture sites) in kumo’s 2,000-char chunks; µs/char at ' +
  '100- vs 10,000-char pieces without 、。; analyzeText vs the raw engine on whole pages.';

const SITES_DIR = path.resolve(repoRoot, '../shared/fixtures/sites');

function* htmlFiles(dir) {
  for (const entry of readdirSync(dir).sort()) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) yield* htmlFiles(file);
    else if (/\.html?$/i.test(entry)) yield file;
  }
}

/** The visible text of a page, decoded and extracted as the crawler does. */
function pageText(bytes, url, charset) {
  return extractPage(decodeHtml(bytes, charset).text, url).text;
}

/** Every corpus the variants read, by name; real-page corpora only when the fixture sites are present. */
async function buildCorpora(ctx, pages) {
  const site = await prepareSite({ pages });
  const generatedPages = site.manifest.pages
    .filter((page) => page.path.endsWith('.html'))
    .map((page) => pageText(readFileSync(path.join(site.dir, ...page.path.split('/'))), `http://site/${page.path}`))
    .filter((text) => text.length > 0);
  const corpora = {
    generated: generatedPages.flatMap((text) => splitIntoChunks(text)),
    generatedPages,
  };
  // The same Japanese without 、。 or whitespace, cut into pieces of one length: kuromoji's cost per character
  // grows with the length of a piece it cannot split.
  const unbroken = generatedPages.join('').replace(/[、。\s]/g, '');
  const cut = (text, length) =>
    Array.from({ length: Math.floor(text.length / length) }, (_, i) => text.slice(i * length, (i + 1) * length));
  const engineLength = ctx.quick ? 50_000 : 200_000;
  const kuromojiLength = ctx.quick ? 10_000 : 30_000;
  corpora.pieces100 = cut(unbroken.slice(0, engineLength), 100);
  corpora.pieces10k = cut(unbroken.slice(0, engineLength), 10_000);
  corpora.smallPieces100 = cut(unbroken.slice(0, kuromojiLength), 100);
  corpora.smallPieces10k = cut(unbroken.slice(0, kuromojiLength), 10_000);
  if (existsSync(SITES_DIR)) {
    const realPages = [...htmlFiles(SITES_DIR)]
      .map((file) => pageText(readFileSync(file), `http://fixture/${path.relative(SITES_DIR, file)}`))
      .filter((text) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(text));
    corpora.real = realPages.flatMap((text) => splitIntoChunks(text));
    corpora.realPages = realPages;
    // Prose: lines of the real pages with at least two sentences in Japanese.
    corpora.prose = realPages.flatMap((text) =>
      text.split('\n').filter((line) => (line.match(/。/g) ?? []).length >= 2 && line.length >= 40),
    );
  } else {
    ctx.note(`real pages and prose SKIPPED: ${SITES_DIR} not found`);
  }
  const sizes = Object.fromEntries(
    Object.entries(corpora).map(([key, texts]) => [
      key,
      { texts: texts.length, chars: texts.reduce((s, t) => s + t.length, 0) },
    ]),
  );
  return { corpora, sizes };
}

function hasMecab() {
  try {
    execFileSync('mecab', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** @param {import('./lib/context.mjs').BenchContext} ctx */
export async function run(ctx) {
  const { corpora, sizes } = await buildCorpora(ctx, ctx.quick ? 30 : 100);
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-bench-tokenizer-'));
  ctx.defer(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'corpora.json');
  writeFileSync(file, JSON.stringify(corpora));
  ctx.data.settings = { corpora: sizes };

  const real = 'real' in corpora;
  const shared = ['generated', ...(real ? ['prose', 'real'] : [])];
  const loop = path.join(benchDir, 'baselines/tokenize-loop.mjs');
  const mecabLoop = path.join(benchDir, 'baselines/mecab-loop.mjs');
  const withMecab = hasMecab();
  if (!withMecab) ctx.note('MeCab SKIPPED: no `mecab` on PATH (Debian: apt-get install mecab mecab-ipadic-utf8)');
  const timeoutMs = 900_000;
  const variants = [
    {
      name: 'kumo',
      warmup: false,
      run: () =>
        runNodeJson(
          loop,
          {
            file,
            tokenizer: 'kumo',
            corpora: [...shared, 'pieces100', 'pieces10k', 'smallPieces100', 'smallPieces10k'],
          },
          { timeoutMs },
        ),
    },
    {
      name: 'kuromoji',
      warmup: false,
      run: () =>
        runNodeJson(
          loop,
          { file, tokenizer: 'kuromoji', corpora: [...shared, 'smallPieces100', 'smallPieces10k'] },
          { timeoutMs },
        ),
    },
    ...(withMecab
      ? [{ name: 'mecab', warmup: false, run: () => runNodeJson(mecabLoop, { file, corpora: shared }, { timeoutMs }) }]
      : []),
    {
      name: 'analyze',
      warmup: false,
      run: () =>
        runNodeJson(
          loop,
          { file, tokenizer: 'analyze', corpora: ['generatedPages', ...(real ? ['realPages'] : [])] },
          { timeoutMs },
        ),
    },
  ];
  const out = await interleave(ctx, variants);
  const per = (variant, corpus, pick = (r) => r.charsPerCpuSecond) =>
    out[variant].values
      .map((v) => v.results[corpus])
      .filter(Boolean)
      .map(pick);
  const usPerChar = (r) => (r.cpuSeconds * 1e6) / r.chars;

  const corpusLabels = {
    generated: 'the generated site, kumo’s chunks',
    prose: 'prose lines of the fixture sites',
    real: 'real pages (fixture sites), kumo’s chunks',
  };
  for (const corpus of shared) {
    ctx.metric({
      id: `${corpus}-vs-kuromoji`,
      label: `chars per CPU second, ${corpusLabels[corpus]}`,
      unit: 'chars/CPU-s',
      kumo: per('kumo', corpus),
      baseline: per('kuromoji', corpus),
      baselineLabel: 'kuromoji.tokenize',
      target: { op: '>=', value: 5 },
    });
    if (withMecab) {
      ctx.metric({
        id: `${corpus}-vs-mecab`,
        label: `chars per CPU second, ${corpusLabels[corpus]}, against MeCab`,
        unit: 'chars/CPU-s',
        kumo: per('kumo', corpus),
        baseline: per('mecab', corpus),
        baselineLabel: 'MeCab 0.996 (C++), same text',
        note: 'the physical reference: no target',
      });
    }
  }
  ctx.metric({
    id: 'pieces-10k-vs-100',
    label: 'µs/char at 10,000-char pieces vs 100-char pieces (no 、。), kumo',
    unit: 'µs/char',
    kumo: per('kumo', 'pieces10k', usPerChar),
    baseline: per('kumo', 'pieces100', usPerChar),
    baselineLabel: 'kumo at 100-char pieces',
    target: { op: '<=', value: 1.5 },
  });
  ctx.metric({
    id: 'kuromoji-pieces-10k-vs-100',
    label: 'µs/char at 10,000-char pieces vs 100-char pieces (no 、。), kuromoji',
    unit: 'µs/char',
    kumo: per('kuromoji', 'smallPieces10k', usPerChar),
    baseline: per('kuromoji', 'smallPieces100', usPerChar),
    baselineLabel: 'kuromoji at 100-char pieces',
    note: 'kuromoji’s own scaling, for comparison (on the first 30,000 characters only)',
  });
  ctx.metric({
    id: 'pieces-10k-vs-kuromoji',
    label: 'chars per CPU second at 10,000-char pieces (no 、。)',
    unit: 'chars/CPU-s',
    kumo: per('kumo', 'smallPieces10k'),
    baseline: per('kuromoji', 'smallPieces10k'),
    baselineLabel: 'kuromoji.tokenize',
  });
  for (const corpus of ['generatedPages', ...(real ? ['realPages'] : [])]) {
    ctx.metric({
      id: `analyze-${corpus}`,
      label: `chars per CPU second, analyzeText vs the raw engine, ${corpus === 'realPages' ? 'real pages' : 'generated pages'}`,
      unit: 'chars/CPU-s',
      kumo: per('analyze', `${corpus}:analyze`),
      baseline: per('analyze', `${corpus}:raw`),
      baselineLabel: 'the raw engine on the same chunks',
      target: { op: '>=', value: 0.9 },
    });
  }
  ctx.metric({
    id: 'load',
    label: 'dictionary load, ms',
    unit: 'ms',
    kumo: out.kumo.values.map((v) => v.loadMs),
    baseline: out.kuromoji.values.map((v) => v.loadMs),
    baselineLabel: 'kuromoji.builder().build()',
  });
  ctx.metric({
    id: 'rss-after-load',
    label: 'RSS after loading the dictionary, MB',
    unit: 'MB',
    kumo: out.kumo.values.map((v) => v.rssAfterLoadMb),
    baseline: out.kuromoji.values.map((v) => v.rssAfterLoadMb),
    baselineLabel: 'kuromoji',
  });
  ctx.data.rounds = Object.fromEntries(
    Object.entries(out).map(([variant, { values }]) => [
      variant,
      values.map((v) => Object.fromEntries(Object.entries(v.results).map(([k, r]) => [k, round(r.charsPerCpuSecond)]))),
    ]),
  );
}
