import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogRenderer, parseJsonLine } from './log-renderer.js';

function render(format: 'json' | 'pretty', lines: [app: string, raw: string, fromStderr?: boolean][]) {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  const renderer = new LogRenderer({ out, format });
  for (const [app, raw, fromStderr] of lines) renderer.line(app, raw, fromStderr);
  return text;
}

const readyLine = JSON.stringify({
  level: 30,
  time: '2026-11-22T03:00:01.234Z',
  pid: 7,
  name: 'api',
  msg: 'ready',
  port: 3000,
});

describe('LogRenderer', () => {
  it('json: passes JSON lines through unchanged', () => {
    expect(render('json', [['api', readyLine]])).toBe(`${readyLine}\n`);
  });

  it.each([
    [false, 30],
    [true, 50],
  ])('json: wraps a raw line (stderr: %s) into a JSON line at level %i', (fromStderr, level) => {
    const line = JSON.parse(render('json', [['crawl-worker', 'Error: boom', fromStderr]])) as Record<string, unknown>;
    expect(line).toMatchObject({ level, name: 'crawl-worker', msg: 'Error: boom' });
    expect(typeof line.time).toBe('string');
  });

  it.each([
    ['a JSON log line', readyLine, 'api             │ 03:00:01.234 INFO  ready  port=3000'],
    ['a raw line', 'plain text', 'api             │ plain text'],
    [
      'a warning with fields',
      JSON.stringify({ level: 40, time: 1, name: 'api', msg: 'slow', host: 'a b', n: { x: 1 } }),
      'api             │ 00:00:00.001 WARN  slow  host="a b" n={"x":1}',
    ],
  ])('pretty: %s gets the app prefix', (_label, raw, expected) => {
    expect(render('pretty', [['api', raw]])).toBe(`${expected}\n`);
  });

  it('pretty: an error stack follows its line, indented', () => {
    const raw = JSON.stringify({
      level: 50,
      time: 0,
      msg: 'failed',
      err: { message: 'x', stack: 'Error: x\n    at f' },
    });
    expect(render('pretty', [['api', raw]]).split('\n')).toEqual([
      'api             │ 00:00:00.000 ERROR failed  err="x"',
      'api             │     Error: x',
      'api             │         at f',
      '',
    ]);
  });
});

describe('parseJsonLine', () => {
  it.each([
    ['{"msg":"ready"}', { msg: 'ready' }],
    ['not json', undefined],
    ['{broken', undefined],
    ['[1,2]', undefined],
    ['{"a":1} trailing', undefined],
  ])('%j', (raw, expected) => {
    expect(parseJsonLine(raw)).toEqual(expected);
  });
});
