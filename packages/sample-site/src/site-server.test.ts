import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  generateSite,
  sampleSite,
  startSiteServer,
  writeSite,
  type SiteServer,
  type SiteServerOptions,
} from './index.js';

const servers: SiteServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function start(options: SiteServerOptions): Promise<SiteServer> {
  const server = await startSiteServer(options);
  servers.push(server);
  return server;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kumo-site-test-'));
  dirs.push(dir);
  return dir;
}

/** A request with the path sent exactly as given (fetch would normalise `..` away). */
function rawGet(
  port: number,
  rawPath: string,
  agent?: http.Agent,
): Promise<{ status: number; reused: boolean; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: rawPath, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
  });
}

describe('startSiteServer with an in-memory site', () => {
  it('serves every file with its content type and bytes, and counts each request', async () => {
    const site = sampleSite();
    const server = await start({ site });
    for (const [filePath, file] of site.files) {
      const res = await fetch(`${server.url}${filePath}`);
      expect(res.status, filePath).toBe(200);
      expect(res.headers.get('content-type')).toBe(file.contentType);
      expect(Buffer.from(await res.arrayBuffer()).equals(file.body)).toBe(true);
    }
    for (const filePath of site.files.keys()) expect(server.requests.get(filePath)).toBe(1);
    expect(server.totalRequests).toBe(site.files.size);
  });

  it('sends no charset for pages that do not declare it in the header', async () => {
    const site = generateSite({ pages: 12, seed: 4, bytesPerPage: 1_000 });
    const server = await start({ site });
    for (const page of site.manifest.pages) {
      const res = await fetch(`${server.url}${page.path}`);
      await res.arrayBuffer();
      const type = res.headers.get('content-type') ?? '';
      expect(type.includes('charset'), page.path).toBe(page.charsetDeclaredIn === 'header');
    }
  });

  it.each([
    ['/old/removed-page.html', 404],
    ['/nothing/', 404],
    ['/private', 404],
    ['/', 200],
    ['/index.html?x=1', 200],
  ])('answers %s with %i', async (requestPath, status) => {
    const server = await start({ site: sampleSite() });
    const res = await fetch(`${server.url}${requestPath}`);
    await res.arrayBuffer();
    expect(res.status).toBe(status);
  });

  it('answers HEAD with the headers only, and other methods with 405', async () => {
    const site = sampleSite();
    const server = await start({ site });
    const head = await fetch(`${server.url}/index.html`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(site.files.get('/index.html')?.body.length);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const post = await fetch(`${server.url}/index.html`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(server.requests.get('/index.html')).toBe(2);
  });

  it('keeps connections alive and closes them on close()', async () => {
    const server = await start({ site: sampleSite() });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await rawGet(server.port, '/index.html', agent);
      const second = await rawGet(server.port, '/robots.txt', agent);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.reused).toBe(true);
      await server.close();
      await expect(rawGet(server.port, '/index.html')).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('resets its counters', async () => {
    const server = await start({ site: sampleSite() });
    await (await fetch(`${server.url}/index.html`)).arrayBuffer();
    server.resetCounts();
    expect(server.totalRequests).toBe(0);
    expect(server.requests.size).toBe(0);
  });

  it('serves a sitemap of its pages with its own origin, each URL in it a page it serves', async () => {
    const site = sampleSite();
    const server = await start({ site });
    const response = await fetch(`${server.url}/sitemap.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const urls = [...(await response.text()).matchAll(/<loc>([^<]*)<\/loc>/g)].map((match) => match[1] as string);
    expect(urls.length).toBe(site.manifest.pages.length - 1);
    for (const url of urls) {
      expect(url.startsWith(`${server.url}/`), url).toBe(true);
      expect((await fetch(url)).status, url).toBe(200);
    }
  });
});

describe('startSiteServer with a directory', () => {
  it('serves a written site with the content types its manifest declares', async () => {
    const site = generateSite({ pages: 14, seed: 8, bytesPerPage: 1_000 });
    const dir = await tempDir();
    await writeSite(site, dir);
    const server = await start({ dir });
    for (const [filePath, file] of site.files) {
      const res = await fetch(`${server.url}${filePath}`);
      expect(res.headers.get('content-type'), filePath).toBe(file.contentType);
      expect(Buffer.from(await res.arrayBuffer()).equals(file.body)).toBe(true);
    }
  });

  it.each([
    ['/a.html', 'text/html'],
    ['/b.htm', 'text/html'],
    ['/c.txt', 'text/plain'],
    ['/d.css', 'text/css'],
    ['/e.png', 'image/png'],
    ['/F.GIF', 'image/gif'],
    ['/g.pdf', 'application/pdf'],
    ['/h.csv', 'text/csv'],
    ['/COPYING', 'application/octet-stream'],
    ['/sub/', 'text/html'],
  ])('serves %s as %s', async (requestPath, type) => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'sub'));
    for (const name of [
      'a.html',
      'b.htm',
      'c.txt',
      'd.css',
      'e.png',
      'F.GIF',
      'g.pdf',
      'h.csv',
      'COPYING',
      'sub/index.html',
    ]) {
      await writeFile(path.join(dir, name), `content of ${name}`);
    }
    const server = await start({ dir });
    const res = await fetch(`${server.url}${requestPath}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(await res.text()).toMatch(/^content of /);
  });

  it('redirects a directory without its slash, and answers 404 for a directory without index.html', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'sub'));
    await mkdir(path.join(dir, 'empty'));
    await writeFile(path.join(dir, 'sub', 'index.html'), 'x');
    const server = await start({ dir });
    const redirect = await fetch(`${server.url}/sub`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/sub/');
    expect((await fetch(`${server.url}/empty/`)).status).toBe(404);
  });

  it('never serves files outside the directory', async () => {
    const parent = await tempDir();
    const dir = path.join(parent, 'site');
    await mkdir(dir);
    await writeFile(path.join(parent, 'secret.txt'), 'secret');
    const server = await start({ dir });
    for (const rawPath of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/sub/..%2f..%2fsecret.txt']) {
      const res = await rawGet(server.port, rawPath);
      expect(res.status, rawPath).toBe(404);
      expect(res.body.toString()).not.toContain('secret');
    }
  });

  it.skipIf(!existsSync('/work/shared/fixtures/sites/index.html'))('serves the shared fixture sites', async () => {
    const server = await start({ dir: '/work/shared/fixtures/sites' });
    const index = await fetch(`${server.url}/index.html`);
    expect(index.headers.get('content-type')).toBe('text/html');
    expect(await index.text()).toContain('mincaml');
    const mincaml = await fetch(`${server.url}/mincaml/`);
    expect(mincaml.status).toBe(200);
    await mincaml.arrayBuffer();
  });
});

describe('startSiteServer faults', () => {
  const paths = Array.from({ length: 40 }, (_, i) => `/p${i}.html`);
  const site = () => ({
    files: new Map(paths.map((p) => [p, { body: Buffer.from(`page ${p}`), contentType: 'text/html' }])),
    manifest: sampleSite().manifest,
  });

  it.each([
    ['drop', { dropEvery: 3 }],
    ['error', { errorEvery: 3 }],
    ['garbage', { garbageEvery: 3 }],
  ] as const)('%s hits a fixed subset of paths, and only those', async (kind, faults) => {
    const server = await start({ site: site(), faults });
    const hit = paths.filter((p) => server.faultOf(p) === kind);
    expect(hit.length).toBeGreaterThan(0);
    expect(hit.length).toBeLessThan(paths.length);
    for (const p of paths) {
      const outcome = await fetch(`${server.url}${p}`).then(
        async (res) => ({ status: res.status, body: Buffer.from(await res.arrayBuffer()) }),
        () => 'dropped' as const,
      );
      if (!hit.includes(p)) {
        expect(outcome).toEqual({ status: 200, body: Buffer.from(`page ${p}`) });
      } else if (kind === 'drop') {
        expect(outcome).toBe('dropped');
      } else if (kind === 'error') {
        expect(outcome).toMatchObject({ status: 503 });
      } else {
        expect(outcome).toMatchObject({ status: 200 });
        expect((outcome as { body: Buffer }).body).toHaveLength(2048);
      }
    }
  });

  it('misbehaves only `times` times per path, then serves it', async () => {
    const server = await start({ site: site(), faults: { errorEvery: 1, times: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.url}/p1.html`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('still answers slowed paths, and never faults exempt paths', async () => {
    const server = await start({ site: sampleSite(), faults: { slowMs: 20, errorEvery: 1 } });
    expect(server.faultOf('/robots.txt')).toBeNull();
    expect((await fetch(`${server.url}/robots.txt`)).status).toBe(200);
    expect((await fetch(`${server.url}/index.html`)).status).toBe(503);
  });
});

describe('startSiteServer errors', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['KUMO_SAMPLE_SITE_INVALID_OPTION', () => startSiteServer({})],
    ['KUMO_SAMPLE_SITE_INVALID_OPTION', () => startSiteServer({ site: sampleSite(), dir: '/tmp' })],
    ['KUMO_SAMPLE_SITE_INVALID_OPTION', () => startSiteServer({ site: sampleSite(), port: 70_000 })],
    ['KUMO_SAMPLE_SITE_INVALID_OPTION', () => startSiteServer({ site: sampleSite(), faults: { dropEvery: 0 } })],
    ['KUMO_SAMPLE_SITE_DIR_NOT_FOUND', () => startSiteServer({ dir: '/nonexistent/kumo-site' })],
  ])('rejects with %s', async (code, run) => {
    await expect(run()).rejects.toMatchObject({ code });
  });

  it('rejects with KUMO_SAMPLE_SITE_LISTEN_FAILED when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      await expect(startSiteServer({ site: sampleSite(), port })).rejects.toMatchObject({
        code: 'KUMO_SAMPLE_SITE_LISTEN_FAILED',
      });
    } finally {
      blocker.close();
    }
  });
});
