// A generated site served from memory by its own process, which records the start of every request (arrival of
// its headers) so a benchmark can check politeness from the host's side: the gaps between request starts. The
// sample-site server counts requests per path but keeps no times, hence this small server of the bench's own.
//
// On a busy machine the server itself may not run for a while; requests that arrived meanwhile are read together
// and would look simultaneous. A 2 ms heartbeat timer tells: each entry also holds `tick`, the heartbeat's last run
// before the request was read, so the request arrived between `tick` and `t` (a wide window means a stalled server).
//
// Run as `node timed-site.mjs '<json options>'` (what startTimedSite does); it prints `{ "event": "listening", url,
// urls }`: with `hosts: n` the same site is served on n ports, n hosts as a crawler's politeness sees them (the first is
// `url`).
// `GET /.bench/requests?from=N` answers the log from entry N on, and is itself not logged: no page links to it.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { generateSite } from '@kumo/sample-site';
import { round } from './stats.mjs';

const LOG_PATH = '/.bench/requests';

/**
 * Starts the server process for a site of `pages` pages (`generateSite` options: `seed`, `linksPerPage`; `hosts`, the
 * number of ports it is served on, 1 by default); returns its URL, all its URLs (`urls`, one per host, `url` first) and
 * `requests(from)`, the request log of every host (`{ t, tick, path }`, ms since the epoch, sub-millisecond
 * precision).
 */
export async function startTimedSite(ctx, options) {
  // Imported here, not at the top: the server process needs none of the system helpers (nor their tsx loader).
  const { startListeningProcess } = await import('./system.mjs');
  const script = new URL(import.meta.url).pathname;
  const { url, urls, pid } = await startListeningProcess(ctx, [script, JSON.stringify(options)]);
  return {
    url,
    urls,
    pid,
    /** @returns {Promise<Array<{ t: number, tick: number, path: string }>>} */
    async requests(from = 0) {
      const res = await fetch(`${url}${LOG_PATH}?from=${from}`);
      if (!res.ok) throw new Error(`request log answered ${res.status}`);
      return res.json();
    },
  };
}

/**
 * The gaps between consecutive request starts the host saw. A request arrived between the server's last heartbeat
 * (`tick`) and the moment it was read (`t`), so a gap is at most `t` minus the previous request's `tick`: `minMs` is
 * the smallest such bound (a gap below the delay for certain when it is below the delay), `rawMinMs` the smallest
 * gap on the server's reading clock (smaller when the server itself was stalled). `early` counts the bounds below
 * `delayMs`, with the first few pairs as examples.
 */
export function requestGaps(requests, delayMs) {
  const sorted = [...requests].sort((x, y) => x.t - y.t);
  let minMs = Number.NaN;
  let rawMinMs = Number.NaN;
  const early = [];
  for (let i = 1; i < sorted.length; i++) {
    const [previous, current] = [sorted[i - 1], sorted[i]];
    const bound = current.t - Math.min(previous.tick, previous.t);
    const raw = current.t - previous.t;
    if (!(bound >= minMs)) minMs = bound;
    if (!(raw >= rawMinMs)) rawMinMs = raw;
    if (bound < delayMs) {
      early.push({
        gapMs: round(raw),
        atMostMs: round(bound),
        serverLagMs: [round(previous.t - previous.tick), round(current.t - current.tick)],
        paths: [previous.path, current.path],
      });
    }
  }
  return { minMs, rawMinMs, early: early.length, examples: early.slice(0, 5) };
}

/** Serves the site on `hosts` ports until SIGTERM. */
function serve({ pages, seed = 1, linksPerPage = 5, hosts = 1 }) {
  const site = generateSite({ pages, seed, linksPerPage, encodings: ['utf-8', 'shift_jis', 'euc-jp'] });
  const now = () => performance.timeOrigin + performance.now();
  let tick = now();
  const heartbeat = setInterval(() => (tick = now()), 2);
  /** @type {Array<{ t: number, tick: number, path: string }>} */
  const log = [];
  const handle = (req, res) => {
    const t = now();
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://site.invalid');
    if (pathname === LOG_PATH) {
      const from = Number(searchParams.get('from') ?? 0);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log.slice(from)));
      return;
    }
    log.push({ t, tick, path: pathname });
    const file = site.files.get(pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>404 Not Found</title>\n');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
  const servers = Array.from({ length: hosts }, () => http.createServer(handle));
  void Promise.all(
    servers.map(
      (server) =>
        new Promise((resolve) =>
          server.listen(0, '127.0.0.1', () => {
            const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
            resolve(`http://127.0.0.1:${port}`);
          }),
        ),
    ),
  ).then((urls) => process.stdout.write(`${JSON.stringify({ event: 'listening', url: urls[0], urls })}\n`));
  process.once('SIGTERM', () => {
    clearInterval(heartbeat);
    let open = servers.length;
    for (const server of servers) {
      server.close(() => --open === 0 && process.exit(0));
      server.closeAllConnections();
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) serve(JSON.parse(process.argv[2] ?? '{}'));
