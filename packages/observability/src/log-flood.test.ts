import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/** A logger writing JSON lines into an array, with a clock the test moves. */
function capture(floodLimit?: { intervalMs: number; burst: number } | false) {
  const lines: Record<string, unknown>[] = [];
  let clock = 1_000_000;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  const logger = createLogger({
    name: 'test',
    destination,
    ...(floodLimit === undefined
      ? {}
      : { floodLimit: floodLimit === false ? false : { ...floodLimit, now: () => clock } }),
  });
  return { logger, lines, advance: (ms: number) => (clock += ms) };
}

describe('the log flood limit', () => {
  it('lets `burst` identical errors through per interval, then carries the dropped count on the next line', () => {
    const { logger, lines, advance } = capture({ intervalMs: 10_000, burst: 3 });
    const oom = Object.assign(new Error('OOM command not allowed'), { code: undefined });
    for (let i = 0; i < 10_000; i++) logger.error({ err: oom, queue: 'crawl' }, 'worker error');
    expect(lines).toHaveLength(3);
    advance(10_000);
    logger.error({ err: oom, queue: 'crawl' }, 'worker error');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ msg: 'worker error', suppressed: 9_997, queue: 'crawl' });
    expect(lines[3]!.err).toMatchObject({ message: 'OOM command not allowed' });
  });

  it('keys by level, message and code: other lines, and info lines, are never held back', () => {
    const { logger, lines } = capture({ intervalMs: 10_000, burst: 1 });
    for (let i = 0; i < 5; i++) {
      logger.warn({ code: 'KUMO_A' }, 'same text');
      logger.warn({ code: 'KUMO_B' }, 'same text');
      logger.error({ code: 'KUMO_A' }, 'same text');
      logger.info({ code: 'KUMO_A' }, 'same text');
    }
    expect(lines.map((line) => `${line.level}:${line.code}`)).toEqual([
      '40:KUMO_A',
      '40:KUMO_B',
      '50:KUMO_A',
      '30:KUMO_A',
      ...Array.from({ length: 4 }, () => '30:KUMO_A'),
    ]);
  });

  it('carries the count on an error logged as the first argument, keeping the error', () => {
    const { logger, lines, advance } = capture({ intervalMs: 1000, burst: 1 });
    logger.error(new Error('boom'), 'failed');
    logger.error(new Error('boom'), 'failed');
    advance(1000);
    logger.error(new Error('boom'), 'failed');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ msg: 'failed', suppressed: 1, err: { message: 'boom' } });
  });

  it('is on by default and can be turned off', () => {
    const limited = capture();
    const unlimited = capture(false);
    for (let i = 0; i < 100; i++) {
      limited.logger.warn('again');
      unlimited.logger.warn('again');
    }
    expect(limited.lines.length).toBeLessThan(10);
    expect(unlimited.lines).toHaveLength(100);
  });
});
