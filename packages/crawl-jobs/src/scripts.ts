import { loadScript, type ScriptDefinition } from '@kumo/keyspace';

const loaded = new Map<string, ScriptDefinition>();

/**
 * One of this package's Lua scripts (`src/commands/<name>-<numKeys>.lua`, copied to `dist/commands` by the build),
 * read once per process.
 */
export function crawlJobsScript(file: string): ScriptDefinition {
  let definition = loaded.get(file);
  if (!definition) {
    definition = loadScript(new URL(`./commands/${file}`, import.meta.url));
    loaded.set(file, definition);
  }
  return definition;
}
