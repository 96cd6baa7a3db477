import { describe, expect, it } from 'vitest';
import { encode } from './__fixtures__/encode.js';
import {
  canonicalEncoding,
  decodeHtml,
  detectEncoding,
  looksLikeHtml,
  parseContentType,
  prescanMetaCharset,
} from './decode.js';

describe('parseContentType', () => {
  it.each([
    ['text/html', { mime: 'text/html' }],
    ['Text/HTML; Charset=Shift_JIS', { mime: 'text/html', charset: 'Shift_JIS' }],
    ['text/html; charset="euc-jp"', { mime: 'text/html', charset: 'euc-jp' }],
    ['application/xhtml+xml;charset=utf-8;q=1', { mime: 'application/xhtml+xml', charset: 'utf-8' }],
    ['text/html; charset=', { mime: 'text/html' }],
    ['', undefined],
    ['html', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseContentType(header)).toEqual(expected);
  });
});

describe('looksLikeHtml', () => {
  it.each([
    ['<!DOCTYPE html><html>', true],
    ['\ufeff  \n<HTML lang="ja">', true],
    ['<html>', true],
    ['<p>hello', true],
    ['<!-- comment -->', true],
    ['<a href="x">', true],
    ['<abbr>', false],
    ['%PDF-1.4', false],
    ['plain text', false],
    ['{"json": true}', false],
    ['', false],
  ])('%j → %s', (head, expected) => {
    expect(looksLikeHtml(Buffer.from(head))).toBe(expected);
  });
});

const JAPANESE = '日本語のテキストです。ひらがな、カタカナ、漢字を含む文章を正しく読めるか確かめます。';

function page(head: string, body = JAPANESE): string {
  return `<!DOCTYPE html><html><head>${head}<title>題名</title></head><body><p>${body}</p></body></html>`;
}

describe('decodeHtml', () => {
  const table: [name: string, bytes: Buffer, header: string | undefined, charset: string, source: string][] = [
    ['header shift_jis', encode(page(''), 'shift_jis'), 'Shift_JIS', 'shift_jis', 'header'],
    ['header cp932 label', encode(page(''), 'cp932'), 'cp932', 'shift_jis', 'header'],
    ['header x-sjis label', encode(page(''), 'shift_jis'), 'x-sjis', 'shift_jis', 'header'],
    ['meta charset shift_jis', encode(page('<meta charset="shift_jis">'), 'shift_jis'), undefined, 'shift_jis', 'meta'],
    [
      'meta http-equiv euc-jp',
      encode(page('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=EUC-JP">'), 'euc-jp'),
      undefined,
      'euc-jp',
      'meta',
    ],
    [
      'meta iso-2022-jp',
      encode(page('<meta http-equiv=content-type content="text/html;charset=iso-2022-jp">'), 'iso-2022-jp'),
      undefined,
      'iso-2022-jp',
      'meta',
    ],
    ['utf-8 BOM', encode(page(''), 'utf-8', true), undefined, 'utf-8', 'bom'],
    ['utf-8 BOM before a meta', encode(page('<META charset=UTF-8>'), 'utf-8', true), undefined, 'utf-8', 'bom'],
    ['undeclared EUC-JP', encode(page(''), 'euc-jp'), undefined, 'euc-jp', 'detected'],
    ['undeclared Shift_JIS', encode(page(''), 'shift_jis'), undefined, 'shift_jis', 'detected'],
    ['undeclared ISO-2022-JP', encode(page(''), 'iso-2022-jp'), undefined, 'iso-2022-jp', 'detected'],
    ['undeclared UTF-8', encode(page(''), 'utf-8'), undefined, 'utf-8', 'detected'],
    // The header wins over a contradicting meta, and here it is right.
    ['header overrides meta', encode(page('<meta charset="iso-8859-1">'), 'euc-jp'), 'euc-jp', 'euc-jp', 'header'],
    // Declared utf-8 (a server default) but the bytes are Shift_JIS: the clean decoding wins.
    [
      'declared utf-8, bytes Shift_JIS',
      encode(page('<meta charset="utf-8">'), 'shift_jis'),
      'utf-8',
      'shift_jis',
      'detected',
    ],
    ['meta utf-8, bytes EUC-JP', encode(page('<meta charset="utf-8">'), 'euc-jp'), undefined, 'euc-jp', 'detected'],
  ];
  it.each(table)('%s → %s from %s', (_name, bytes, header, charset, source) => {
    const decoded = decodeHtml(bytes, header);
    expect(decoded.charset).toBe(charset);
    expect(decoded.source).toBe(source);
    expect(decoded.text).not.toContain('\uFFFD');
    expect(decoded.text).toContain(JAPANESE);
    expect(decoded.text).toContain('題名');
  });

  it('maps the label ascii to windows-1252, as WHATWG does', () => {
    const bytes = Buffer.from(
      page('<meta http-equiv="Content-Type" content="text/html; charset=ascii">', 'caf\xe9'),
      'latin1',
    );
    const decoded = decodeHtml(bytes);
    expect(decoded.charset).toBe('windows-1252');
    expect(decoded.text).toContain('café');
  });

  it('keeps a declaration whose decoding has only a stray broken byte', () => {
    const bytes = Buffer.concat([encode(page('<meta charset="euc-jp">'), 'euc-jp'), Buffer.from([0xff])]);
    const decoded = decodeHtml(bytes);
    expect(decoded.charset).toBe('euc-jp');
    expect(decoded.overruled).toBeUndefined();
  });

  it('reports the declaration it overruled', () => {
    expect(decodeHtml(encode(page(''), 'shift_jis'), 'utf-8').overruled).toBe('utf-8');
  });

  it('falls back to utf-8 for pure ASCII without a declaration', () => {
    expect(decodeHtml(Buffer.from(page('', 'plain ascii'))).charset).toBe('utf-8');
  });

  it('ignores an unknown header label and goes on to the meta', () => {
    const decoded = decodeHtml(encode(page('<meta charset="euc-jp">'), 'euc-jp'), 'x-unknown-charset');
    expect(decoded).toMatchObject({ charset: 'euc-jp', source: 'meta' });
  });

  it('still picks the best candidate when a few bytes are broken and nothing is declared', () => {
    const broken = Buffer.concat([encode(page('', JAPANESE.repeat(20)), 'shift_jis'), Buffer.from([0x81])]);
    expect(detectEncoding(broken)).toEqual({ encoding: 'shift_jis', confident: false });
    expect(decodeHtml(broken).charset).toBe('shift_jis');
  });
});

describe('prescanMetaCharset', () => {
  const table: [html: string, expected: string | undefined][] = [
    ['<meta charset="Shift_JIS">', 'shift_jis'],
    ["<meta charset='x-sjis'>", 'shift_jis'],
    ['<meta charset=euc-jp>', 'euc-jp'],
    ['<META http-equiv="Content-Type" content="text/html; charset=iso-2022-jp">', 'iso-2022-jp'],
    ['<meta content="text/html; charset=cp932" http-equiv="content-type">', 'shift_jis'],
    ['<meta content="text/html; charset=euc-jp">', undefined],
    ['<meta charset="utf-16">', 'utf-8'],
    ['<meta charset="bogus"><meta charset="euc-jp">', 'euc-jp'],
    ['<!-- <meta charset="shift_jis"> --><meta charset="euc-jp">', 'euc-jp'],
    ['<div title="<meta charset=shift_jis>"></div><meta charset="euc-jp">', 'euc-jp'],
    ['<metadata charset="shift_jis"><meta/charset="euc-jp">', 'euc-jp'],
    [`${' '.repeat(1030)}<meta charset="euc-jp">`, undefined],
    ['<html><head><title>x</title>', undefined],
  ];
  it.each(table)('%j → %s', (html, expected) => {
    expect(prescanMetaCharset(Buffer.from(html, 'latin1'))).toBe(expected);
  });
});

describe('canonicalEncoding', () => {
  it.each([
    ['cp932', 'shift_jis'],
    ['Windows-31J', 'shift_jis'],
    ['EUCJP', 'euc-jp'],
    ['ascii', 'windows-1252'],
    ['ISO-8859-1', 'windows-1252'],
    ['UTF8', 'utf-8'],
    ['nonsense', undefined],
    ['iso-2022-kr', undefined],
  ])('%s → %s', (label, expected) => {
    expect(canonicalEncoding(label)).toBe(expected);
  });
});
