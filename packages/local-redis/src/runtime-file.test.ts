import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPrivateFile, writePrivateFile } from './private-file.js';
import { readLocalRuntime, removeLocalRuntime, runtimeFile, writeLocalRuntime } from './runtime-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kumo-runtime-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('private files', () => {
  it('are written with mode 0600 whatever the umask, and read back', () => {
    const file = path.join(dir, 'secret.json');
    const previous = process.umask(0o000);
    try {
      writePrivateFile(file, 'one');
      writePrivateFile(file, 'two');
    } finally {
      process.umask(previous);
    }
    expect(modeOf(file)).toBe(0o600);
    expect(readPrivateFile(file)).toEqual({ text: 'two', widened: false });
    expect(readPrivateFile(path.join(dir, 'absent'))).toBeUndefined();
  });

  it('a file others may read is narrowed to 0600 and reported', () => {
    const file = path.join(dir, 'wide.json');
    writeFileSync(file, 'x');
    chmodSync(file, 0o644);
    expect(readPrivateFile(file)).toEqual({ text: 'x', widened: true });
    expect(modeOf(file)).toBe(0o600);
  });
});

describe('the runtime file of npm start', () => {
  const runtime = { pid: process.pid, redisUrl: 'redis://:pw@127.0.0.1:6390', prefix: 'kumo' };

  it('round-trips while its launcher runs, mode 0600, and is removed by its own launcher only', () => {
    writeLocalRuntime(dir, runtime);
    expect(modeOf(runtimeFile(dir))).toBe(0o600);
    expect(readLocalRuntime(dir)).toEqual(runtime);
    removeLocalRuntime(dir, process.pid + 1);
    expect(readLocalRuntime(dir)).toEqual(runtime);
    removeLocalRuntime(dir);
    expect(readLocalRuntime(dir)).toBeUndefined();
  });

  it('is ignored when its launcher is gone or its content is not what was written', () => {
    writeLocalRuntime(dir, runtime);
    expect(readLocalRuntime(dir, () => false)).toBeUndefined();
    for (const text of ['{', '{"pid":1}', JSON.stringify({ ...runtime, redisUrl: 'http://x' })]) {
      writePrivateFile(runtimeFile(dir), text);
      expect(readLocalRuntime(dir)).toBeUndefined();
    }
  });
});
