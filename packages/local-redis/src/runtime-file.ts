import path from 'node:path';
import { rmSync } from 'node:fs';
import { readPrivateFile, writePrivateFile } from './private-file.js';
import { isProcessAlive } from './process-alive.js';

/** What a running `npm start` tells other local tools (`kumo keys audit`): where its Redis is. */
export interface LocalRuntime {
  /** The launcher's pid: the file of a launcher that no longer runs (SIGKILLed) is ignored. */
  pid: number;
  /** The Redis `npm start` uses (with its password, hence mode 0600). */
  redisUrl: string;
  /** `KUMO_PREFIX` of that run. */
  prefix: string;
}

/** `<data dir>/runtime.json`, present while `npm start` runs. */
export function runtimeFile(dataDir: string): string {
  return path.join(dataDir, 'runtime.json');
}

/** Writes the runtime file (mode 0600) of a starting launcher. */
export function writeLocalRuntime(dataDir: string, runtime: LocalRuntime): void {
  writePrivateFile(runtimeFile(dataDir), `${JSON.stringify(runtime)}\n`);
}

/** Removes the runtime file if it is this process's (at shutdown). */
export function removeLocalRuntime(dataDir: string, pid = process.pid): void {
  if (readLocalRuntime(dataDir, () => true)?.pid === pid) rmSync(runtimeFile(dataDir), { force: true });
}

/**
 * The runtime of the `npm start` running on this data directory, or undefined when none runs (no file, a file of a
 * dead launcher, or one that is not what `writeLocalRuntime` wrote).
 */
export function readLocalRuntime(
  dataDir: string,
  alive: (pid: number) => boolean = isProcessAlive,
): LocalRuntime | undefined {
  let found: ReturnType<typeof readPrivateFile>;
  try {
    found = readPrivateFile(runtimeFile(dataDir));
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  try {
    const value = JSON.parse(found.text) as Partial<LocalRuntime>;
    const valid =
      Number.isInteger(value.pid) &&
      typeof value.redisUrl === 'string' &&
      /^rediss?:\/\//.test(value.redisUrl) &&
      typeof value.prefix === 'string';
    return valid && alive(value.pid!) ? (value as LocalRuntime) : undefined;
  } catch {
    return undefined;
  }
}
