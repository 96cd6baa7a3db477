// The baseline of `crawl` and `analysis`: the minimum a user could hand-roll in one process with undici and
// cheerio. Breadth-first from a seed with N fetches in flight, same host only, robots.txt Disallow honoured, charset
// from the header, a <meta> or detection (Shift_JIS and EUC-JP pages without a declaration are common), links from
// a/area/frame/iframe resolved against <base href>, meta robots nofollow honoured, visible text taken. With
// `analyze`, kuromoji tokenises every page's text and counts its content words, as kumo's analysis does per page.
//
// Usage: node hand-crawler.mjs '{"seed":"http://127.0.0.1:PORT/index.html","concurrency":40,"maxDepth":10,
//          "maxPages":10000,"analyze":false}'  →  prints { pages, fetched, failed, skipped, ms, chars, tokens, … }
import { createRequire } from 'node:module';
import path from 'node:path';
import { load } from 'cheerio';
import Encoding from 'encoding-japanese';
import kuromoji from 'kuromoji';
import { Agent, request } from 'undici';

const options = JSON.parse(process.argv[2]);
const { seed, concurrency, maxDepth = 10, maxPages = 10_000, analyze = false } = options;

const require = createRequire(import.meta.url);
const tokenizer = analyze
  ? await new Promise((resolve, reject) =>
      kuromoji
        .builder({ dicPath: path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict') })
        .build((error, built) => (error ? reject(error) : resolve(built))),
    )
  : null;

const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
const origin = new URL(seed).origin;
const DETECTED = { UTF8: 'utf-8', SJIS: 'shift_jis', EUCJP: 'euc-jp', JIS: 'iso-2022-jp' };

function charsetOf(contentType, bytes) {
  const header = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1];
  if (header) return header;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const meta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1];
  if (meta) return meta;
  return DETECTED[Encoding.detect(bytes)] ?? 'utf-8';
}

function decode(bytes, label) {
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function normalise(href, base) {
  if (/^(mailto|javascript|data):/i.test(href)) return null;
  try {
    const url = new URL(href, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

function countTerms(text) {
  const counts = new Map();
  let tokens = 0;
  for (const token of tokenizer.tokenize(text)) {
    tokens += 1;
    if (token.pos !== '名詞' && token.pos !== '動詞' && token.pos !== '形容詞') continue;
    const term = token.basic_form === '*' ? token.surface_form : token.basic_form;
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 50);
  return { tokens, top };
}

const started = performance.now();
const cpuStarted = process.cpuUsage();
const disallow = [];
{
  const res = await request(`${origin}/robots.txt`, { dispatcher });
  const text = await res.body.text();
  let applies = false;
  for (const line of text.split('\n')) {
    const [field, ...rest] = line.split(':');
    const value = rest.join(':').trim();
    if (/^user-agent$/i.test(field.trim())) applies = value === '*';
    else if (applies && /^disallow$/i.test(field.trim()) && value) disallow.push(value);
  }
}

const seen = new Set([seed]);
const queue = [{ url: seed, depth: 0 }];
const stats = { pages: 0, fetched: 0, failed: 0, skipped: 0, chars: 0, tokens: 0, tokenizeMs: 0, errors: {} };
let inFlight = 0;

async function crawlOne({ url, depth }) {
  stats.pages += 1;
  if (disallow.some((prefix) => new URL(url).pathname.startsWith(prefix))) {
    stats.skipped += 1;
    return;
  }
  let res;
  try {
    res = await request(url, { dispatcher, maxRedirections: 0 });
  } catch (error) {
    stats.failed += 1;
    stats.errors[error.code ?? error.message] = (stats.errors[error.code ?? error.message] ?? 0) + 1;
    return;
  }
  const contentType = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400) {
    await res.body.dump();
    stats.failed += 1;
    return;
  }
  if (!contentType.includes('html')) {
    await res.body.dump();
    stats.skipped += 1;
    return;
  }
  const bytes = new Uint8Array(await res.body.arrayBuffer());
  const html = decode(bytes, charsetOf(contentType, bytes));
  const $ = load(html);
  stats.fetched += 1;
  const base = normalise($('base[href]').attr('href') ?? url, url) ?? url;
  const nofollow = /nofollow|none/i.test($('meta[name="robots" i]').attr('content') ?? '');
  $('script, style, noscript, template').remove();
  const text = $('body').text().replace(/\s+/g, ' ').trim();
  stats.chars += text.length;
  if (tokenizer && text) {
    const t = performance.now();
    stats.tokens += countTerms(text).tokens;
    stats.tokenizeMs += performance.now() - t;
  }
  if (nofollow || depth >= maxDepth) return;
  $('a[href], area[href], frame[src], iframe[src]').each((_, element) => {
    const link = normalise(element.attribs.href ?? element.attribs.src ?? '', base);
    if (!link || !link.startsWith(`${origin}/`) || seen.has(link) || seen.size >= maxPages) return;
    seen.add(link);
    queue.push({ url: link, depth: depth + 1 });
  });
}

await new Promise((resolve, reject) => {
  const pump = () => {
    while (inFlight < concurrency && queue.length > 0) {
      inFlight += 1;
      crawlOne(queue.shift()).then(() => {
        inFlight -= 1;
        if (queue.length === 0 && inFlight === 0) resolve();
        else pump();
      }, reject);
    }
  };
  pump();
});
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
await dispatcher.close();
process.stdout.write(
  `${JSON.stringify({ ...stats, ms, cpuSeconds: (cpu.user + cpu.system) / 1e6, pagesPerSecond: (stats.pages / ms) * 1000, tokenizeMs: Math.round(stats.tokenizeMs) })}\n`,
);
