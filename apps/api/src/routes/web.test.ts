import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRoutes } from './web.js';

async function serve(router: express.Router) {
  const app = express();
  app.use(router);
  app.use((_req, res) => res.status(404).send('fell through'));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('webRoutes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kumo-web-'));
  beforeAll(() => {
    mkdirSync(path.join(dir, 'built', 'app'), { recursive: true });
    writeFileSync(path.join(dir, 'built', 'index.html'), '<!doctype html><title>kumo</title>');
    writeFileSync(path.join(dir, 'built', 'app', 'main-ABC123.js'), 'export {};');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves index.html at / (revalidated) and the hashed assets under /app/ (cached for good)', async () => {
    const server = await serve(webRoutes({ dir: path.join(dir, 'built') }));
    try {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('<title>kumo</title>');
      const asset = await fetch(`${server.url}/app/main-ABC123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await fetch(`${server.url}/app/missing.js`)).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('without a build, says so once and lets / fall through to the 404', async () => {
    const missing: string[] = [];
    const server = await serve(webRoutes({ dir: path.join(dir, 'not-built'), onMissing: (d) => missing.push(d) }));
    try {
      expect(missing).toEqual([path.join(dir, 'not-built')]);
      const response = await fetch(`${server.url}/`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe('fell through');
    } finally {
      server.close();
    }
  });
});
