import type { Config } from '@kumo/config';
import { provisionRedis, removeLocalRuntime, writeLocalRuntime, type RedisHandle } from '@kumo/local-redis';
import type { Logger } from '@kumo/observability';
import { sampleSite, startSiteServer, type SiteServer } from '@kumo/sample-site';
import type { BannerInfo } from './banner.js';
import { buildChildEnv } from './child-env.js';
import { ChildApp, type ChildExit } from './child-app.js';
import { credentialsFile, loadCredentials, saveCredentials } from './credential-store.js';
import { resolveCredentials } from './credentials.js';
import { APPS, appEntry, dataDir } from './paths.js';
import { choosePorts } from './ports.js';
import type { StopSignals } from './stop-signals.js';

/** How long past SHUTDOWN_TIMEOUT_MS an app may take to exit before it is killed: its supervisor's own margin. */
export const SHUTDOWN_MARGIN_MS = 5000;

export interface LocalSystemOptions {
  config: Config;
  /** The environment passed on to the apps. */
  env: Record<string, string | undefined>;
  root: string;
  log: Logger;
  /** Receives every line an app writes; returns it parsed when it was a JSON log line. */
  onAppLine: (app: string, raw: string, fromStderr: boolean) => Record<string, unknown> | undefined;
  stops: StopSignals;
  /** How long each app may take to log `ready`. */
  readyTimeoutMs: number;
}

/**
 * What `npm start` runs: Redis (unless on a cluster), the sample site, and the three apps. Created empty; start()
 * fills it step by step, so stop() can always stop exactly what was started, whatever step failed.
 */
export class LocalSystem {
  redis: RedisHandle | undefined;
  site: SiteServer | undefined;
  readonly apps: ChildApp[] = [];
  readonly #options: LocalSystemOptions;

  constructor(options: LocalSystemOptions) {
    this.#options = options;
  }

  /** The local data directory (`KUMO_DATA_DIR`): embedded Redis data, kept credentials, the runtime file. */
  get #dataDir(): string {
    return dataDir(this.#options.config.KUMO_DATA_DIR, this.#options.root);
  }

  /** Starts everything and waits for every app's `ready`. Returns the banner's facts, or undefined if told to stop. */
  async start(): Promise<BannerInfo | undefined> {
    const { config, log, stops } = this.#options;
    // First, so a port the operator chose and another program holds stops the start before anything runs.
    const ports = await choosePorts(config, this.#options.env);
    log.info(ports, 'ports chosen');
    const onCluster = (config.REDIS_CLUSTER_NODES?.length ?? 0) > 0;
    if (!onCluster) {
      this.redis = await provisionRedis({
        redisUrl: config.REDIS_URL,
        dataDir: `${this.#dataDir}/redis`,
        onProgress: (message) => log.info(message),
      });
      log.info({ source: this.redis.source, host: this.redis.host, port: this.redis.port }, 'redis ready');
      // So `kumo keys audit` (and `npm run keys:audit`) find this Redis without REDIS_URL; removed at stop.
      writeLocalRuntime(this.#dataDir, { pid: process.pid, redisUrl: this.redis.url, prefix: config.KUMO_PREFIX });
    }
    if (stops.count > 0) return undefined;

    this.site = await startSiteServer({ site: sampleSite(), host: '127.0.0.1', port: config.SAMPLE_SITE_PORT });
    // The index itself, not `/`: the site links to /index.html, and one page should be one URL.
    const sampleUrl = `${this.site.url}/index.html`;
    log.info({ url: sampleUrl }, 'sample site listening');

    // Local mode keeps what it generates, so a restart never cuts a user off from their crawls.
    const { stored, widened } = loadCredentials(this.#dataDir);
    if (widened)
      log.warn({ file: credentialsFile(this.#dataDir) }, 'credentials file was readable by others: now 0600');
    const credentials = resolveCredentials(
      { apiKeys: config.API_KEYS, boardUser: config.BOARD_USER, boardPassword: config.BOARD_PASSWORD },
      stored,
    );
    const saved = saveCredentials(this.#dataDir, credentials, stored);
    // The demo crawls 127.0.0.1; a production deployment must not be able to reach its own loopback.
    const allowLocalCrawl = config.NODE_ENV !== 'production';
    const env = buildChildEnv({
      env: this.#options.env,
      config,
      credentials,
      redisUrl: onCluster ? undefined : this.redis?.url,
      allowLocalCrawl,
      ports,
    });
    for (const name of APPS) {
      if (stops.count > 0) return undefined;
      this.apps.push(
        new ChildApp({
          name,
          entry: appEntry(name, this.#options.root),
          env,
          cwd: this.#options.root,
          onLine: this.#options.onAppLine,
        }),
      );
    }
    const ready = await Promise.race([
      Promise.all(this.apps.map((app) => app.waitReady(this.#options.readyTimeoutMs))).then(() => true),
      stops.first.then(() => false),
    ]);
    if (!ready) return undefined;

    return {
      apiUrl: `http://${displayHost(config.API_HOST)}:${ports.API_PORT}`,
      metricsPorts: {
        crawlWorker: ports.CRAWL_WORKER_METRICS_PORT,
        analysisWorker: ports.ANALYSIS_WORKER_METRICS_PORT,
      },
      apiKey: credentials.apiKeys[0] ?? '',
      boardUser: credentials.boardUser,
      boardPassword: credentials.boardPassword,
      generated: credentials.generated,
      kept: credentials.kept,
      ...(saved || credentials.kept.apiKey || credentials.kept.board
        ? { credentialsFile: credentialsFile(this.#dataDir) }
        : {}),
      sampleUrl,
      redis: onCluster ? `cluster ${config.REDIS_CLUSTER_NODES?.join(',') ?? ''}` : describeRedis(this.redis),
      prefix: config.KUMO_PREFIX,
      demoCrawlAllowed: allowLocalCrawl,
    };
  }

  /** Resolves when the first app exits, with which one and how. */
  firstAppExit(): Promise<{ app: ChildApp; exit: ChildExit }> {
    return Promise.race(this.apps.map((app) => app.exited.then((exit) => ({ app, exit }))));
  }

  /** SIGKILL to every app's process group, now (a second Ctrl-C, or the launcher itself is exiting). */
  kill(): void {
    for (const app of this.apps) app.kill();
  }

  /** Stops the apps (in parallel: each waits for its own workers), then the site, then Redis. */
  async stop(): Promise<void> {
    const { config, log } = this.#options;
    const graceMs = config.SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS;
    const exits = await Promise.all(this.apps.map(async (app) => ({ app, exit: await app.stop(graceMs) })));
    for (const { app, exit } of exits) {
      if (exit.signal === 'SIGKILL') log.warn({ app: app.name }, 'app did not stop in time and was killed');
      else if (exit.code !== 0 && exit.code !== null)
        log.warn({ app: app.name, code: exit.code }, 'app exited with an error');
    }
    await this.site?.close();
    this.site = undefined;
    removeLocalRuntime(this.#dataDir);
    await this.redis?.stop();
    this.redis = undefined;
  }
}

/** The host to show in URLs: a wildcard listen address is reached on loopback. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Redis for the banner, without its password. */
export function describeRedis(redis: RedisHandle | undefined): string {
  if (!redis) return 'none';
  const url = new URL(redis.url);
  if (url.password) url.password = '***';
  const how =
    redis.source === 'embedded'
      ? `embedded, data in ${redis.dir ?? '?'}`
      : redis.source === 'docker'
        ? 'docker compose'
        : 'REDIS_URL';
  return `${url.href} (${how})`;
}
