import { parseArgs } from 'node:util';
import { SampleSiteUsageError } from './errors.js';
import { generateSite } from './generate-site.js';
import type { SiteEncoding } from './manifest.js';
import { sampleSite } from './sample-site.js';
import { startSiteServer } from './site-server.js';
import { writeSite } from './write-site.js';

export const SAMPLE_SITE_USAGE = `usage:
  generate --pages N [--seed S] --out DIR [--bytes-per-page B] [--links-per-page L] [--encodings utf-8,shift_jis,euc-jp]
  serve [--dir DIR | --pages N [--seed S]] [--host 127.0.0.1] [--port 0]
Without --dir and --pages, serve serves the demo site. Output is one JSON object per line.`;

export interface SampleSiteCliOptions {
  /** Where JSON lines go. Default `process.stdout`. */
  stdout?: NodeJS.WritableStream;
  /** Stops `serve`. Default: SIGINT or SIGTERM of this process. */
  signal?: AbortSignal;
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed))
    throw new SampleSiteUsageError(`--${name} must be an integer (got ${value})\n${SAMPLE_SITE_USAGE}`);
  return parsed;
}

function seedOf(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal) {
    return signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * The sample-site command line (`generate`, `serve`): benchmarks run the server in its own process with it.
 * Resolves with the exit code; `serve` resolves once stopped. Bad arguments reject with KUMO_SAMPLE_SITE_CLI_USAGE.
 */
export async function runSampleSiteCli(argv: string[], options: SampleSiteCliOptions = {}): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const print = (value: object) => out.write(`${JSON.stringify(value)}\n`);
  const [command, ...rest] = argv;
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        pages: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        dir: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'bytes-per-page': { type: 'string' },
        'links-per-page': { type: 'string' },
        encodings: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new SampleSiteUsageError(`${(error as Error).message}\n${SAMPLE_SITE_USAGE}`);
  }
  const pages = integer('pages', values.pages);
  const siteOptions = () => ({
    pages: pages as number,
    ...(values.seed === undefined ? {} : { seed: seedOf(values.seed) as number | string }),
    ...(values['bytes-per-page'] === undefined
      ? {}
      : { bytesPerPage: integer('bytes-per-page', values['bytes-per-page']) as number }),
    ...(values['links-per-page'] === undefined
      ? {}
      : { linksPerPage: integer('links-per-page', values['links-per-page']) as number }),
    ...(values.encodings === undefined ? {} : { encodings: values.encodings.split(',') as SiteEncoding[] }),
  });

  if (command === 'generate') {
    if (pages === undefined || !values.out)
      throw new SampleSiteUsageError(`generate needs --pages and --out\n${SAMPLE_SITE_USAGE}`);
    const site = generateSite(siteOptions());
    await writeSite(site, values.out);
    let bytes = 0;
    for (const file of site.files.values()) bytes += file.body.length;
    print({ event: 'generated', out: values.out, pages: site.manifest.pages.length, files: site.files.size, bytes });
    return 0;
  }
  if (command === 'serve') {
    if (values.dir && pages !== undefined)
      throw new SampleSiteUsageError(`serve takes --dir or --pages, not both\n${SAMPLE_SITE_USAGE}`);
    const port = integer('port', values.port) ?? 0;
    const host = values.host ?? '127.0.0.1';
    const server = values.dir
      ? await startSiteServer({ dir: values.dir, host, port })
      : await startSiteServer({ site: pages === undefined ? sampleSite() : generateSite(siteOptions()), host, port });
    print({ event: 'listening', url: server.url, port: server.port });
    await untilStopped(options.signal);
    await server.close();
    print({ event: 'closed', totalRequests: server.totalRequests });
    return 0;
  }
  throw new SampleSiteUsageError(`unknown command ${JSON.stringify(command ?? '')}\n${SAMPLE_SITE_USAGE}`);
}
