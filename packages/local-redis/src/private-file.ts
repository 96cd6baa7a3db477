import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

/** Owner read and write only: what a file holding a password or an API key gets. */
export const PRIVATE_MODE = 0o600;

/**
 * Writes `text` to `file` with mode 0600, atomically: a temporary file created 0600 (so no other user can ever
 * open it, whatever the umask) is renamed over the target, so a reader never sees half a file.
 */
export function writePrivateFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: PRIVATE_MODE, flag: 'w' });
    // `mode` applies only when the file is created; a leftover temporary file keeps its old mode.
    chmodSync(temporary, PRIVATE_MODE);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Reads a private file: its text, or undefined when it does not exist. A file others may read (mode wider than
 * 0600) is narrowed to 0600 and reported through `widened` (the caller warns). Other read errors are thrown.
 */
export function readPrivateFile(file: string): { text: string; widened: boolean } | undefined {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const widened = (mode & 0o077) !== 0;
  if (widened) chmodSync(file, PRIVATE_MODE);
  return { text: readFileSync(file, 'utf8'), widened };
}
