import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChunkWriter } from './chunk-writer.js';

/** A Writable that takes each write only when `release` is called (a client that has not read yet). */
function heldSink(highWaterMark: number) {
  const writes: string[] = [];
  const pending: (() => void)[] = [];
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      writes.push(chunk);
      pending.push(() => callback());
    },
  });
  return { sink, writes, release: () => pending.splice(0).forEach((done) => done()) };
}

describe('ChunkWriter', () => {
  it('coalesces small texts into chunks and writes nothing before the first chunk is full or flushed', async () => {
    const { sink, writes, release } = heldSink(1000);
    const out = new ChunkWriter(sink, 10);
    expect(await out.write('abc')).toBe(true);
    expect(await out.write('defg')).toBe(true);
    expect(writes).toEqual([]);
    expect(await out.write('hijk')).toBe(true);
    expect(writes).toEqual(['abcdefghijk']);
    release();
    expect(await out.write('l')).toBe(true);
    expect(await out.flush()).toBe(true);
    expect(writes).toEqual(['abcdefghijk', 'l']);
  });

  it("waits for 'drain' once the sink is full, so no more than one chunk beyond its buffer is ever handed over", async () => {
    const { sink, writes, release } = heldSink(8);
    const out = new ChunkWriter(sink, 4);
    let settled = false;
    const write = out.write('0123456789').then((open) => {
      settled = true;
      return open;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['0123456789']);
    expect(settled).toBe(false);
    release();
    expect(await write).toBe(true);
  });

  it('answers false once the sink is destroyed, waiting or not', async () => {
    const { sink } = heldSink(4);
    const out = new ChunkWriter(sink, 2);
    const waiting = out.write('too much for the sink');
    sink.destroy();
    expect(await waiting).toBe(false);
    expect(await out.write('more')).toBe(false);
    expect(await out.flush()).toBe(false);
  });
});
