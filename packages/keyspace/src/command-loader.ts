import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommandFileError } from './errors.js';

/** A Lua script ready to bind: its name, number of keys and source with every include expanded. */
export interface ScriptDefinition {
  readonly name: string;
  readonly keys: number;
  readonly lua: string;
}

/** The commands of one package, by the names it asked for. */
export type Commands<N extends string> = { readonly [K in N]: ScriptDefinition };

const SCRIPT_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d+)\.lua$/;
const INCLUDE_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.lua$/;
const INCLUDE_LINE = /^--- @include "([a-z0-9-]+)"[ \t]*$/gm;
const HEADER = /^--\[\[([\s\S]*?)\]\]/;
const LOCAL_FUNCTION = /^local function ([A-Za-z0-9_]+)\(/gm;

/** `createCrawl` → `create-crawl` (the file name of a command or include). */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `emit-progress` → `emitProgress` (the function an include file defines). */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_dash, letter: string) => letter.toUpperCase());
}

function listLua(dir: URL): string[] {
  try {
    return readdirSync(dir).filter((file) => file.endsWith('.lua'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The header must name every key, the arguments and the replies, so a reader never has to guess them. */
function checkHeader(file: string, lua: string, keys: number): void {
  const header = HEADER.exec(lua)?.[1];
  if (header === undefined) throw new CommandFileError(`${file} must open with a --[[ … ]] comment block`);
  const missing: string[] = [];
  for (let index = 1; index <= keys; index++) if (!header.includes(`KEYS[${index}]`)) missing.push(`KEYS[${index}]`);
  if (header.includes(`KEYS[${keys + 1}]`)) missing.push(`no KEYS[${keys + 1}] (the file name says ${keys} keys)`);
  if (keys > 0 && !header.includes('ARGV[')) missing.push('ARGV');
  if (!/^\s*Returns:/m.test(header)) missing.push('Returns:');
  if (missing.length > 0) throw new CommandFileError(`${file}: its header block lacks ${missing.join(', ')}`);
}

/** Reads the include pieces of `dir/includes`: one `local function <camelName>` per file. */
function loadIncludes(dir: URL): Map<string, string> {
  const includesDir = new URL('includes/', dir);
  const pieces = new Map<string, string>();
  for (const file of listLua(includesDir)) {
    const match = INCLUDE_FILE.exec(file);
    if (!match) throw new CommandFileError(`include files are named <piece>.lua in kebab-case: ${file}`);
    const lua = readFileSync(new URL(file, includesDir), 'utf8');
    const functions = [...lua.matchAll(LOCAL_FUNCTION)].map((found) => found[1]!);
    const expected = camel(match[1]!);
    if (functions.length !== 1 || functions[0] !== expected) {
      throw new CommandFileError(
        `includes/${file} must define exactly one function, local function ${expected}(…); found ${functions.join(', ') || 'none'}`,
      );
    }
    pieces.set(match[1]!, lua);
  }
  return pieces;
}

/**
 * Replaces each `--- @include "<piece>"` line by the piece (recursively), inserting every piece once: a piece
 * used again, directly or through another piece, is already defined above. Pieces come before the code using them.
 */
function expand(file: string, lua: string, pieces: Map<string, string>, done: Set<string>, stack: string[]): string {
  return lua.replace(INCLUDE_LINE, (_line, piece: string) => {
    if (stack.includes(piece)) {
      throw new CommandFileError(`${file}: include cycle ${[...stack, piece].join(' → ')}`);
    }
    if (done.has(piece)) return `-- (${piece}: included above)`;
    const source = pieces.get(piece);
    if (source === undefined)
      throw new CommandFileError(`${file}: unknown include "${piece}" (no includes/${piece}.lua)`);
    done.add(piece);
    return expand(file, source, pieces, done, [...stack, piece]).trimEnd();
  });
}

/**
 * A package's build copies `src/commands` into `dist/commands`; a Turborepo cache hit restores outputs on top of an
 * existing `dist/` without removing what an older build left there (after a branch switch, say). A leftover script
 * in a build output is harmless, since only requested commands are loaded; a script nobody loads in the source tree
 * is a mistake, and that is where tests load the commands from.
 */
function isBuildOutput(dir: string): boolean {
  return dir.split(/[\\/]/).includes('dist');
}

/**
 * Loads a package's Lua commands, BullMQ's `src/commands/` layout: `dir` holds `<name>-<numKeys>.lua` files, each
 * opening with a `--[[ … ]]` block listing KEYS[1…n], ARGV and `Returns:` (negative return codes mirrored by the
 * owning package's TypeScript enum); `dir/includes/<piece>.lua` holds one `local function <piece in camelCase>`
 * each, pulled in by `--- @include "<piece>"`. Every include is expanded once, here, at load.
 *
 * `names` are the commands the package uses, in camelCase (`createCrawl` is `create-crawl-<n>.lua`). A requested
 * command without its file, a `.lua` file nobody requested (outside a build output's `dist/`), an incomplete header,
 * a bad include: `CommandFileError`, at load, so a broken script never reaches Redis. The package's build copies `dir` next to its compiled code.
 */
export function loadCommands<const N extends string>(dir: URL, names: readonly N[]): Commands<N> {
  const where = fileURLToPath(dir);
  const pieces = loadIncludes(dir);
  const files = new Map<string, { file: string; keys: number }>();
  for (const file of listLua(dir)) {
    const match = SCRIPT_FILE.exec(file);
    if (!match) throw new CommandFileError(`a command file must be named <name>-<numKeys>.lua: ${where}${file}`);
    files.set(match[1]!, { file, keys: Number(match[2]) });
  }
  const commands = {} as Record<N, ScriptDefinition>;
  for (const name of names) {
    const found = files.get(kebab(name));
    if (!found) throw new CommandFileError(`command ${name}: no ${kebab(name)}-<numKeys>.lua in ${where}`);
    files.delete(kebab(name));
    const source = readFileSync(new URL(found.file, dir), 'utf8');
    checkHeader(found.file, source, found.keys);
    const lua = expand(found.file, source, pieces, new Set(), []);
    commands[name] = Object.freeze({ name: kebab(name), keys: found.keys, lua });
  }
  if (files.size > 0 && !isBuildOutput(where)) {
    throw new CommandFileError(
      `${where} holds commands nobody loads: ${[...files.values()].map((f) => f.file).join(', ')}`,
    );
  }
  return Object.freeze(commands);
}
