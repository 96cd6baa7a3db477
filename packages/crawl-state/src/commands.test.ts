import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScriptCode } from './commands.js';

const dir = new URL('./commands/', import.meta.url);
const scripts = readdirSync(dir)
  .filter((file) => file.endsWith('.lua'))
  .map((file) => ({ file, lua: readFileSync(new URL(file, dir), 'utf8') }));

/** Negative numbers a text mentions, e.g. `-1 no such crawl` or `return -1`. */
const negatives = (text: string) => [...text.matchAll(/(?<![\w.])-(\d+)\b/g)].map((match) => -Number(match[1]));

describe('ScriptCode mirrors the scripts', () => {
  const codes = Object.values(ScriptCode).filter((value): value is number => typeof value === 'number');

  it.each(scripts)(
    '$file returns only negative codes its Returns: line names, and ScriptCode lists them',
    ({ lua }) => {
      const header = /^--\[\[([\s\S]*?)\]\]/.exec(lua)![1]!;
      const returns = header.slice(header.indexOf('Returns:'));
      const returned = [...lua.matchAll(/return (-\d+)/g)].map((match) => Number(match[1]));
      for (const code of returned) expect(negatives(returns)).toContain(code);
      for (const code of negatives(returns)) expect(codes).toContain(code);
    },
  );

  it('has no code that no script returns', () => {
    const returned = new Set(
      scripts.flatMap(({ lua }) => [...lua.matchAll(/return (-\d+)/g)].map((m) => Number(m[1]))),
    );
    expect(codes.filter((code) => !returned.has(code))).toEqual([]);
  });
});
