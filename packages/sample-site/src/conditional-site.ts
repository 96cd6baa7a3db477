import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A small site for tests of conditional re-fetch: pages whose ETag or Last-Modified follow a version the test bumps,
// answering `304 Not Modified` to a matching If-None-Match / If-Modified-Since, and recording every request.

/** Which validators a page sends: `ETag`, `Last-Modified`, or none (it is then always read in full). */
export type PageValidation = 'etag' | 'last-modified' | 'none';

/** One page of a {@link ConditionalSite}: its links (site-relative paths), its validators and its text. */
export interface ConditionalPage {
  links: readonly string[];
  validation: PageValidation;
  text: string;
}

/** A request the site received, with the conditional headers it carried and the status it got. */
export interface ConditionalRequest {
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  status: 200 | 304;
}

export interface ConditionalSite {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every page request so far, in arrival order (robots.txt and unknown paths left out); clear it between runs. */
  readonly requests: ConditionalRequest[];
  /** The `ETag` of the page's current version (`"<path>-v<n>"`). */
  etagOf(path: string): string;
  /** The `Last-Modified` of the page's current version (an HTTP date, day n of November 2026). */
  lastModifiedOf(path: string): string;
  /** A new version of the page saying `text`: its validators change with it. */
  change(path: string, text: string): void;
  close(): Promise<void>;
}

/**
 * Starts the site on 127.0.0.1 (robots.txt and unknown paths answer 404). Conditional requests are evaluated as
 * RFC 9110 §13.2.2 says: If-None-Match first; If-Modified-Since only without it.
 */
export async function startConditionalSite(pages: Readonly<Record<string, ConditionalPage>>): Promise<ConditionalSite> {
  const versions = new Map<string, number>();
  const texts = new Map<string, string>();
  const requests: ConditionalRequest[] = [];
  const versionOf = (path: string) => versions.get(path) ?? 1;
  const etagOf = (path: string) => `"${path}-v${versionOf(path)}"`;
  const lastModifiedOf = (path: string) => new Date(Date.UTC(2026, 10, versionOf(path))).toUTCString();

  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    const page = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (page === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const fresh =
      page.validation === 'etag'
        ? ifNoneMatch === etagOf(path)
        : page.validation === 'last-modified' && ifNoneMatch === undefined && ifModifiedSince === lastModifiedOf(path);
    requests.push({
      path,
      ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
      ...(ifModifiedSince === undefined ? {} : { ifModifiedSince }),
      status: fresh ? 304 : 200,
    });
    const validators: Record<string, string> =
      page.validation === 'etag'
        ? { etag: etagOf(path) }
        : page.validation === 'last-modified'
          ? { 'last-modified': lastModifiedOf(path) }
          : {};
    if (fresh) {
      response.writeHead(304, validators).end();
      return;
    }
    const links = page.links.map((href) => `<a href="${href}">${href}</a>`).join(' ');
    const title = `${path} v${versionOf(path)}`;
    const body = `<!DOCTYPE html><html lang="ja"><head><title>${title}</title></head><body><p>${texts.get(path) ?? page.text}</p>${links}</body></html>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...validators }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    etagOf,
    lastModifiedOf,
    change(path, text) {
      versions.set(path, versionOf(path) + 1);
      texts.set(path, text);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
