import { afterEach, describe, expect, it } from 'vitest';
import { startConditionalSite, type ConditionalSite } from './conditional-site.js';

let site: ConditionalSite | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

describe('startConditionalSite', () => {
  it('answers 304 to matching validators, 200 with new validators after a change, and records each request', async () => {
    site = await startConditionalSite({
      '/e': { links: ['/l'], validation: 'etag', text: '本文' },
      '/m': { links: [], validation: 'last-modified', text: '本文' },
      '/n': { links: [], validation: 'none', text: '本文' },
    });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${site!.url}${path}`, { headers });
    const first = await get('/e');
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"/e-v1"');
    expect(await first.text()).toContain('<a href="/l">');
    expect((await get('/e', { 'if-none-match': '"/e-v1"' })).status).toBe(304);
    const modified = (await get('/m')).headers.get('last-modified')!;
    expect((await get('/m', { 'if-modified-since': modified })).status).toBe(304);
    // If-None-Match wins over If-Modified-Since (and a page without an ETag never matches it).
    expect((await get('/m', { 'if-none-match': '"x"', 'if-modified-since': modified })).status).toBe(200);
    expect((await get('/n', { 'if-none-match': '"/n-v1"' })).status).toBe(200);
    site.change('/e', '新しい本文');
    const changed = await get('/e', { 'if-none-match': '"/e-v1"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"/e-v2"');
    expect(await changed.text()).toContain('新しい本文');
    expect((await get('/missing')).status).toBe(404);
    expect(site.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/e 200',
      '/e 304',
      '/m 200',
      '/m 304',
      '/m 200',
      '/n 200',
      '/e 200',
    ]);
    expect(site.requests[1]).toEqual({ path: '/e', ifNoneMatch: '"/e-v1"', status: 304 });
  });
});
