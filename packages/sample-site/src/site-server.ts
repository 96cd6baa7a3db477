import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { contentTypeFor } from './content-type.js';
import { SampleSiteDirError, SampleSiteListenError, SampleSiteOptionError } from './errors.js';
import { delayOf, faultOf, validateFaults, type SiteFaultKind, type SiteFaults } from './faults.js';
import type { GeneratedSite } from './manifest.js';
import { Prng } from './prng.js';
import { sitemapDocument } from './sitemap.js';
import { readSiteManifest } from './write-site.js';

export interface SiteServerOptions {
  /** An in-memory site to serve (from generateSite or sampleSite). Exactly one of `site` and `dir` is required. */
  site?: GeneratedSite;
  /**
   * A directory to serve (a written site, or any static site such as /work/shared/fixtures/sites). When it holds
   * a `site-manifest.json`, page Content-Types come from it (charset in the header only where the manifest says).
   */
  dir?: string;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; `0` picks a free one. Default `0`. */
  port?: number;
  /** Deterministic misbehaviour for resilience tests. Default: none. */
  faults?: SiteFaults;
}

export interface SiteServer {
  /** `http://HOST:PORT`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Requests per path as requested (percent-encoded, query dropped), every method and answer counted. */
  readonly requests: Map<string, number>;
  readonly totalRequests: number;
  /** The fault a path is selected for (see SiteFaults), or null. */
  faultOf(path: string): SiteFaultKind | null;
  /** Sets the request counters back to zero. */
  resetCounts(): void;
  /** Stops listening and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

interface Found {
  body: Buffer;
  contentType: string;
}

type Lookup = (decodedPath: string) => Promise<Found | { redirect: string } | null>;

/** `origin` is the server's own `http://HOST:PORT`, known once it listens: the sitemap's URLs are absolute. */
function memoryLookup(site: GeneratedSite, origin: () => string): Lookup {
  return async (p) => {
    const file = site.files.get(p.endsWith('/') ? `${p}index.html` : p);
    if (file) return file;
    const sitemap = sitemapDocument(site.manifest, origin(), p);
    if (sitemap !== null) return { body: Buffer.from(sitemap, 'utf8'), contentType: 'application/xml' };
    return site.files.has(`${p}/index.html`) ? { redirect: `${p}/` } : null;
  };
}

async function dirLookup(dir: string): Promise<Lookup> {
  const root = path.resolve(dir);
  const info = await stat(root).catch((error: unknown) => {
    throw new SampleSiteDirError(`dir ${root} cannot be served: it does not exist`, { cause: error });
  });
  if (!info.isDirectory()) throw new SampleSiteDirError(`dir ${root} cannot be served: it is not a directory`);
  const manifest = await readSiteManifest(root);
  const declared = new Map<string, string>();
  for (const entry of [...(manifest?.pages ?? []), ...(manifest?.files ?? [])])
    declared.set(entry.path, entry.contentType);

  return async (p) => {
    const file = path.join(root, ...p.split('/'));
    // path.join has already collapsed `..`; anything that climbed out of the root is simply not there.
    if (file !== root && !file.startsWith(root + path.sep)) return null;
    const found = await stat(file).catch(() => null);
    if (!found) return null;
    if (found.isDirectory()) {
      if (!p.endsWith('/')) return { redirect: `${p}/` };
      const index = path.join(file, 'index.html');
      const indexInfo = await stat(index).catch(() => null);
      if (!indexInfo?.isFile()) return null;
      return { body: await readFile(index), contentType: declared.get(`${p}index.html`) ?? 'text/html' };
    }
    if (!found.isFile()) return null;
    return { body: await readFile(file), contentType: declared.get(p) ?? contentTypeFor(file) };
  };
}

function garbage(seedPath: string): Buffer {
  const rng = new Prng(`garbage:${seedPath}`);
  const bytes = Buffer.alloc(2048);
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
  return bytes;
}

/**
 * A small static server on node:http for tests, the demo and benchmarks: serves a generated site from memory or
 * any directory, `/dir/` → `dir/index.html` (`/dir` redirects there), GET and HEAD, keep-alive, 404 for missing
 * files, and counts requests per path so tests can assert that each page was fetched exactly once. An in-memory
 * site also has a sitemap at `/sitemap.xml` listing its pages with this server's origin (see sitemap.ts).
 */
export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  if (Boolean(options.site) === Boolean(options.dir)) {
    throw new SampleSiteOptionError('startSiteServer needs exactly one of site and dir');
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SampleSiteOptionError(`port must be an integer from 0 to 65535 (got ${String(port)})`);
  }
  const { faults } = options;
  if (faults) validateFaults(faults);
  let origin = '';
  const lookup = options.site ? memoryLookup(options.site, () => origin) : await dirLookup(options.dir as string);
  const requests = new Map<string, number>();
  const faulted = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let totalRequests = 0;

  const answer = async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => {
    const fault = faultOf(faults, pathname);
    const times = faulted.get(pathname) ?? 0;
    if (fault && times < (faults?.times ?? Number.POSITIVE_INFINITY)) {
      faulted.set(pathname, times + 1);
      if (fault === 'drop') return void req.socket.destroy();
      if (fault === 'error')
        return void res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('unavailable\n');
      const body = garbage(pathname);
      return void res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.length }).end(body);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return void res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request\n');
    }
    const found = await lookup(decoded);
    if (!found)
      return void res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><title>404 Not Found</title>\n');
    if ('redirect' in found) return void res.writeHead(301, { location: found.redirect }).end();
    res.writeHead(200, { 'content-type': found.contentType, 'content-length': found.body.length });
    res.end(req.method === 'HEAD' ? undefined : found.body);
  };

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://site.invalid').pathname;
    totalRequests++;
    requests.set(pathname, (requests.get(pathname) ?? 0) + 1);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const run = () =>
      answer(req, res, pathname).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
    const delay = delayOf(faults, pathname);
    if (delay === 0) return void run();
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run();
    }, delay);
    timers.add(timer);
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new SampleSiteListenError(`cannot listen on ${host}:${port}: ${error.message}`, { cause: error })),
    );
    server.listen(port, host, resolve);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${actualPort}`;

  return {
    url: origin,
    port: actualPort,
    requests,
    get totalRequests() {
      return totalRequests;
    },
    faultOf: (p) => faultOf(faults, p),
    resetCounts: () => {
      requests.clear();
      totalRequests = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
