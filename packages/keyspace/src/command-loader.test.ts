import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCommands } from './command-loader.js';

const dirs: string[] = [];

/** A commands directory with these files (paths relative to it, `includes/x.lua` for pieces). */
function commandsDir(files: Record<string, string>): URL {
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-commands-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return pathToFileURL(`${dir}/`);
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const header = (keys: number, extra = '') =>
  [
    '--[[',
    '  A test command.',
    ...Array.from({ length: keys }, (_, i) => `  KEYS[${i + 1}]  a key`),
    keys > 0 ? '  ARGV[1…]  TTLs' : '',
    extra,
    '  Returns: 1.',
    ']]',
  ].join('\n');

describe('loadCommands', () => {
  it('loads <name>-<numKeys>.lua files by camelCase name, with the key count from the file name', () => {
    const dir = commandsDir({
      'do-thing-2.lua': `${header(2)}\nreturn 1\n`,
      'other-0.lua': `${header(0)}\nreturn 0\n`,
    });
    const commands = loadCommands(dir, ['doThing', 'other']);
    expect(commands.doThing).toMatchObject({ name: 'do-thing', keys: 2 });
    expect(commands.doThing.lua).toContain('return 1');
    expect(commands.other.keys).toBe(0);
  });

  it('expands includes once each, pieces before their users, nested includes too', () => {
    const dir = commandsDir({
      'use-both-1.lua': `${header(1)}\n--- @include "outer"\n--- @include "inner"\nreturn outer() + inner()\n`,
      'includes/outer.lua': '--- @include "inner"\nlocal function outer() return inner() end\n',
      'includes/inner.lua': 'local function inner() return 1 end\n',
    });
    const { lua } = loadCommands(dir, ['useBoth']).useBoth;
    expect(lua.match(/local function inner\(/g)).toHaveLength(1);
    expect(lua.indexOf('local function inner(')).toBeLessThan(lua.indexOf('local function outer('));
    expect(lua).not.toContain('@include');
  });

  it('ignores a script nobody loads in a build output (dist/), where an older build may have left it', () => {
    const root = commandsDir({});
    const dist = new URL('dist/commands/', root);
    mkdirSync(dist, { recursive: true });
    writeFileSync(new URL('a-0.lua', dist), `${header(0)}\nreturn 1\n`);
    writeFileSync(new URL('left-over-1.lua', dist), `${header(1)}\nreturn 2\n`);
    const commands = loadCommands(dist, ['a']);
    expect(Object.keys(commands)).toEqual(['a']);
    expect(commands.a.lua).toContain('return 1');
  });

  it.each([
    ['a file not named <name>-<numKeys>.lua', { 'thing.lua': header(0) }, ['thing'], /must be named/],
    ['a requested command without its file', { 'a-0.lua': header(0) }, ['a', 'b'], /command b: no b-<numKeys>\.lua/],
    ['a command nobody loads', { 'a-0.lua': header(0), 'b-1.lua': header(1) }, ['a'], /nobody loads: b-1\.lua/],
    ['no header block', { 'a-0.lua': 'return 1\n' }, ['a'], /must open with a --\[\[/],
    ['a header without KEYS[2]', { 'a-2.lua': header(1) }, ['a'], /lacks KEYS\[2\]/],
    ['a header with more KEYS than the name says', { 'a-1.lua': header(2) }, ['a'], /lacks no KEYS\[2\]/],
    ['a header without Returns:', { 'a-0.lua': '--[[\n  nothing\n]]\n' }, ['a'], /lacks Returns:/],
    ['an unknown include', { 'a-0.lua': `${header(0)}\n--- @include "nope"\n` }, ['a'], /unknown include "nope"/],
    [
      'an include cycle',
      {
        'a-0.lua': `${header(0)}\n--- @include "x"\n`,
        'includes/x.lua': '--- @include "y"\nlocal function x() end\n',
        'includes/y.lua': '--- @include "x"\nlocal function y() end\n',
      },
      ['a'],
      /include cycle x → y → x/,
    ],
    [
      'an include with two functions',
      { 'a-0.lua': header(0), 'includes/two.lua': 'local function two() end\nlocal function three() end\n' },
      ['a'],
      /exactly one function, local function two/,
    ],
    [
      'an include whose function is not named after the file',
      { 'a-0.lua': header(0), 'includes/emit-progress.lua': 'local function emit() end\n' },
      ['a'],
      /local function emitProgress/,
    ],
  ])('refuses %s with CommandFileError', (_what, files, names, message) => {
    const dir = commandsDir(files as Record<string, string>);
    expect(() => loadCommands(dir, names)).toThrow(message);
    try {
      loadCommands(dir, names);
    } catch (error) {
      expect(error).toMatchObject({ code: 'KUMO_KEYSPACE_COMMAND_FILE' });
    }
  });
});
