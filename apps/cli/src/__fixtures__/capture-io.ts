import { Writable } from 'node:stream';
import type { CliIo, OutputStream } from '../cli-io.js';

/** A writable that keeps what was written, optionally pretending to be a terminal. */
export class CapturedStream extends Writable implements OutputStream {
  text = '';
  isTTY: boolean;
  columns = 120;

  constructor(tty = false) {
    super();
    this.isTTY = tty;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }

  // cli-progress moves the cursor on terminals; a captured stream only needs to accept the calls.
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
}

/** I/O for running the CLI in-process: captured stdout and stderr, and the given environment. */
export function captureIo(env: Record<string, string | undefined> = {}, options: { tty?: boolean } = {}) {
  const stdout = new CapturedStream(options.tty);
  const stderr = new CapturedStream(options.tty);
  const io: CliIo = { stdout, stderr, env };
  return { io, stdout, stderr };
}
