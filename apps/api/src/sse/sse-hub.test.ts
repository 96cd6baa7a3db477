import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { formatEvent, SseConnection, SseHub } from './sse-hub.js';

describe('formatEvent', () => {
  it('writes id, event and data lines and a blank line', () => {
    expect(formatEvent({ id: '1-0', type: 'page', data: '{"url":"http://a/"}' })).toBe(
      'id: 1-0\nevent: page\ndata: {"url":"http://a/"}\n\n',
    );
  });

  it('splits data with line breaks into several data lines', () => {
    expect(formatEvent({ id: '2-0', type: 'done', data: 'a\nb\r\nc' })).toBe(
      'id: 2-0\nevent: done\ndata: a\ndata: b\ndata: c\n\n',
    );
  });
});

describe('SseConnection', () => {
  /** A Response stand-in whose socket is always full: every write waits for `drain`. */
  function fullResponse() {
    const res = new EventEmitter() as EventEmitter & { write: () => boolean; end: () => void; writableLength: number };
    res.write = () => false;
    res.end = () => undefined;
    res.writableLength = 1;
    return res;
  }

  it('leaves no close listener behind per drain wait (no MaxListenersExceededWarning during a replay)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const res = fullResponse();
      const connection = new SseConnection(res as unknown as Response, 1024, () => undefined);
      const baseline = res.listenerCount('close');
      for (let index = 0; index < 50; index++) {
        const pending = connection.send({ id: `${index + 1}-0`, type: 'page', data: '{}' });
        res.emit('drain');
        await pending;
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(res.listenerCount('close')).toBe(baseline);
      expect(res.listenerCount('drain')).toBe(0);
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('SseHub', () => {
  /** A Response stand-in that records what is written to it. */
  function openResponse() {
    const res = new EventEmitter() as EventEmitter & Record<string, unknown> & { written: string[] };
    res.written = [];
    Object.assign(res, {
      status: () => res,
      setHeader: () => res,
      flushHeaders: () => undefined,
      write: (chunk: string) => res.written.push(chunk) > 0,
      end: () => res.emit('close'),
      writableLength: 0,
    });
    return res;
  }

  it('arms its heartbeat only while a stream is open (an API process without streams does not wake for it)', async () => {
    const hub = new SseHub({ heartbeatMs: 20 });
    try {
      expect(hub.heartbeatArmed).toBe(false);
      const first = openResponse();
      const second = openResponse();
      hub.open(first as unknown as Response);
      hub.open(second as unknown as Response);
      expect(hub.heartbeatArmed).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(first.written.some((chunk) => chunk.startsWith(': ping'))).toBe(true);
      first.emit('close');
      expect(hub.heartbeatArmed).toBe(true);
      second.emit('close');
      expect(hub.size).toBe(0);
      expect(hub.heartbeatArmed).toBe(false);
      hub.open(openResponse() as unknown as Response);
      expect(hub.heartbeatArmed).toBe(true);
      hub.stop();
      expect(hub.heartbeatArmed).toBe(false);
    } finally {
      hub.stop();
    }
  });
});
