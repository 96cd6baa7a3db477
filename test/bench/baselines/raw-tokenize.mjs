// The per-process baseline of `analysis`: raw kuromoji.tokenize in one process over the texts of a generated site
// (decoded with the manifest's encoding, body text taken with cheerio, untimed), timing tokenize alone.
//
// Usage: node raw-tokenize.mjs '{"dir":"/tmp/kumo-bench-sites/…","pages":300}'  →  { chars, tokens, ms, charsPerSecond }
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { load } from 'cheerio';
import kuromoji from 'kuromoji';

const options = JSON.parse(process.argv[2]);
const require = createRequire(import.meta.url);
const tokenizer = await new Promise((resolve, reject) =>
  kuromoji
    .builder({ dicPath: path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict') })
    .build((error, built) => (error ? reject(error) : resolve(built))),
);
const manifest = JSON.parse(await readFile(path.join(options.dir, 'site-manifest.json'), 'utf8'));
const texts = [];
for (const page of manifest.pages.slice(0, options.pages ?? manifest.pages.length)) {
  const bytes = await readFile(path.join(options.dir, ...page.path.split('/')));
  const $ = load(new TextDecoder(page.encoding).decode(bytes));
  $('script, style, noscript, template').remove();
  const text = $('body').text().replace(/\s+/g, ' ').trim();
  if (text) texts.push(text);
}

let chars = 0;
let tokens = 0;
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (const text of texts) {
  chars += text.length;
  tokens += tokenizer.tokenize(text).length;
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({ texts: texts.length, chars, tokens, ms, cpuSeconds, charsPerSecond: (chars / ms) * 1000, charsPerCpuSecond: chars / cpuSeconds })}\n`,
);
