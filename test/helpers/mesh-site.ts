import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MeshSite {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** The URLs of the site, the index first: `pages + 1` of them. */
  readonly urls: readonly string[];
  /** HTML pages served so far (robots.txt and 404s not counted). */
  readonly pagesServed: number;
  close(): Promise<void>;
}

/**
 * A site whose link graph makes `counts.dropped` exact whatever order the workers fetch in: `/index.html` links to
 * `/p/1.html` … `/p/<pages>.html`, and each of those links to every page and back to the index. A crawl of it with
 * `maxPages` M ≤ `pages` admits M URLs and drops exactly `pages + 1 − M`, each offered again by every fetched page
 * (maxDepth ≥ 2), while the index, admitted first, is linked from every page and never dropped.
 */
export async function startMeshSite(pages: number): Promise<MeshSite> {
  const paths = ['/index.html', ...Array.from({ length: pages }, (_, i) => `/p/${i + 1}.html`)];
  const body = (title: string) =>
    `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${title}</title></head><body>` +
    `<p>網の目のページです。</p>${paths.map((path) => `<a href="${path}">${path}</a>`).join(' ')}</body></html>`;
  let pagesServed = 0;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    if (!paths.includes(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    pagesServed++;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    urls: paths.map((path) => `${url}${path}`),
    get pagesServed() {
      return pagesServed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
