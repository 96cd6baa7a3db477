// MeCab (Debian `mecab` + `mecab-ipadic-utf8`) over the corpora of the `tokenizer` benchmark: each corpus written
// one text per line to a file, `mecab` run on it by bash, whose `times` gives the CPU seconds of the child alone,
// less those of a run on empty input (loading the dictionary).
//
// Usage: node mecab-loop.mjs '{"file":"/tmp/…/corpora.json","corpora":["generated",…]}'
//   →  { results: { <corpus>: { texts, chars, cpuSeconds, ms, charsPerCpuSecond } } }
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const options = JSON.parse(process.argv[2]);
const corpora = JSON.parse(readFileSync(options.file, 'utf8'));
const seconds = (text) => {
  const [, minutes, secs] = /(\d+)m([\d.]+)s/.exec(text) ?? [];
  return Number(minutes) * 60 + Number(secs);
};

/** CPU seconds of `mecab` on the file `input`. */
function mecabCpuSeconds(input) {
  // `-b`: MeCab's input buffer (8 KiB by default) must hold the longest line.
  const out = execFileSync('bash', ['-c', 'mecab -b 4194304 < "$1" > /dev/null; times', 'bash', input], {
    encoding: 'utf8',
  });
  const [user, system] = (out.trim().split('\n')[1] ?? '').split(/\s+/).map(seconds);
  return user + system;
}

const empty = `${options.file}.empty.txt`;
writeFileSync(empty, '');
const startup = Math.min(mecabCpuSeconds(empty), mecabCpuSeconds(empty), mecabCpuSeconds(empty));
const results = {};
for (const corpus of options.corpora) {
  const texts = corpora[corpus];
  const input = `${options.file}.${corpus}.txt`;
  // MeCab reads a line at a time: a text's own line breaks only cut it where kumo's chunks would too. A small
  // corpus is repeated to at least 2M characters, so that the dictionary load subtracted is small beside the work.
  const once = texts.reduce((sum, text) => sum + text.length, 0);
  const repeat = Math.max(1, Math.ceil(2_000_000 / Math.max(1, once)));
  writeFileSync(input, `${texts.join('\n')}\n`.repeat(repeat));
  const started = performance.now();
  const cpuSeconds = mecabCpuSeconds(input) - startup;
  const ms = performance.now() - started;
  const chars = once * repeat;
  results[corpus] = { texts: texts.length * repeat, chars, cpuSeconds, ms, charsPerCpuSecond: chars / cpuSeconds };
}
process.stdout.write(`${JSON.stringify({ startupCpuSeconds: startup, results })}\n`);
