import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '@kumo/local-redis';
import { AlreadyRunningError } from './errors.js';

/** What the lock file holds: the launcher's pid, and its API URL once it is serving. */
interface LockContent {
  pid: number;
  apiUrl?: string;
}

function readLock(file: string): LockContent | undefined {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    return Number.isInteger(content.pid) && (content.pid as number) > 0 ? (content as LockContent) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One `npm start` per checkout: `<data dir>/launcher.lock` holds the running launcher's pid and API URL. A second
 * launcher finds it and refuses (`AlreadyRunningError`) instead of failing later with EADDRINUSE; the lock of a
 * pid that no longer runs (a launcher that was SIGKILLed) is stale and taken over.
 */
export class InstanceLock {
  readonly file: string;

  private constructor(file: string) {
    this.file = file;
  }

  /** Takes the lock in `dataDir` for this process, or throws `AlreadyRunningError` naming the running launcher. */
  static acquire(dataDir: string): InstanceLock {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'launcher.lock');
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(file, JSON.stringify({ pid: process.pid } satisfies LockContent), { flag: 'wx' });
        return new InstanceLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      }
      const holder = readLock(file);
      if (holder && holder.pid !== process.pid && isProcessAlive(holder.pid)) {
        throw new AlreadyRunningError(holder.pid, holder.apiUrl, file);
      }
      // Stale (its launcher is gone) or unreadable: take it over.
      rmSync(file, { force: true });
    }
  }

  /** Records the API URL for a second launcher's message. */
  serving(apiUrl: string): void {
    if (readLock(this.file)?.pid !== process.pid) return;
    writeFileSync(this.file, JSON.stringify({ pid: process.pid, apiUrl } satisfies LockContent));
  }

  /** Removes the lock if it is still ours. */
  release(): void {
    if (readLock(this.file)?.pid === process.pid) rmSync(this.file, { force: true });
  }
}
