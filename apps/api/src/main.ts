import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfigOrExit, type Config } from '@kumo/config';
import { createLogger, Registry, startTracing, type Logger } from '@kumo/observability';
import { isSupervisorPrimary, runSupervisor, runWorkerProcess, workerSlot } from '@kumo/supervisor';
import { createApp } from './app.js';
import { createApiServer } from './http-server.js';
import { ApiMetrics } from './metrics/api-metrics.js';
import { clusterMetricsSource, serveClusterMetrics } from './metrics/cluster-metrics-bridge.js';
import { KeyAuditGauges } from './metrics/key-audit-gauges.js';
import { registerQueueGauges } from './metrics/queue-gauges.js';
import { effectiveSecrets } from './local-secrets.js';
import { buildWorkerResources, connectionNames } from './resources.js';

/** `retry:` hint (ms) sent to event streams ended by a shutdown: reconnect soon, to a process that is still up. */
const SHUTDOWN_RETRY_MS = 1000;

function logger(config: Config, base: Record<string, unknown>): Logger {
  return createLogger({
    name: 'api',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    nodeEnv: config.NODE_ENV,
    base,
  });
}

/**
 * The cluster primary: prints generated credentials once, forks API_PROCESSES workers through the supervisor
 * (restart with backoff, signal forwarding) and owns the gauges that must be computed once per deployment rather
 * than per process (queue depths, key audit), which workers fetch with the combined metrics over IPC.
 */
async function runPrimary(config: Config): Promise<void> {
  const log = logger(config, { role: 'primary' });
  const secrets = effectiveSecrets(config);
  const env: Record<string, string> = { API_KEYS: secrets.apiKeys.join(',') };
  if (secrets.board) Object.assign(env, { BOARD_USER: secrets.board.user, BOARD_PASSWORD: secrets.board.password });
  if (secrets.generated.apiKey) {
    log.info({ apiKey: secrets.generated.apiKey }, 'generated API key');
    // The logger redacts `apiKey` (as it must for every other line), so the key the user needs is printed here,
    // once, on stdout: local mode only, never in production (which refuses to start without API_KEYS).
    process.stdout.write(`API key (generated for this run): ${secrets.generated.apiKey}\n`);
  }
  if (secrets.generated.boardPassword) {
    log.info(
      { user: secrets.generated.boardUser, password: secrets.generated.boardPassword },
      'generated board credentials',
    );
    process.stdout.write(
      `Bull Board (generated for this run): user ${secrets.generated.boardUser} password ${secrets.generated.boardPassword}\n`,
    );
  }

  const resources = await buildWorkerResources(config, log, {
    connectionName: connectionNames(config.KUMO_PREFIX).primary,
  });
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'api' });
  registerQueueGauges(registry, resources.queues);
  const audit = new KeyAuditGauges(registry, {
    client: resources.client,
    prefix: config.KUMO_PREFIX,
    onError: (error) => log.warn({ err: error }, 'key audit failed'),
  });
  const stopMetrics = serveClusterMetrics(registry);

  const supervisor = await runSupervisor({
    name: 'api',
    processes: config.API_PROCESSES,
    // API_NODE_FLAGS first: flags this process was started with (`node --… main.js`) come later and win.
    execArgv: [...config.API_NODE_FLAGS, ...process.execArgv],
    env,
    logger: log,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    exitProcess: false,
  });
  const code = await supervisor.done;
  stopMetrics();
  await audit.close();
  await resources.close();
  log.flush();
  process.exit(code);
}

/**
 * One API worker: builds the app over its own Redis connection and listens (the cluster shares the port). On
 * SIGTERM: stop accepting connections, fail readiness, end event streams with a `retry:` hint, let in-flight
 * requests finish within SHUTDOWN_TIMEOUT_MS, then close the readers and Redis.
 */
async function runWorker(config: Config): Promise<void> {
  const slot = workerSlot();
  const log = logger(config, { role: 'worker', ...(slot === undefined ? {} : { slot }) });
  await runWorkerProcess({
    logger: log,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    start: async () => {
      const secrets = effectiveSecrets(config);
      // Before the queues exist: they take their telemetry from it. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
      const tracing = await startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'kumo-api' });
      const resources = await buildWorkerResources(config, log);
      const metrics = new ApiMetrics();
      const api = createApp({
        settings: config,
        logger: log,
        crawls: resources.crawls,
        store: resources.store,
        queues: resources.queues,
        openReader: resources.openReader,
        apiKeys: secrets.apiKeys,
        board: secrets.board && {
          ...secrets.board,
          ...(config.BOARD_VIEWER_USER && config.BOARD_VIEWER_PASSWORD
            ? { viewer: { user: config.BOARD_VIEWER_USER, password: config.BOARD_VIEWER_PASSWORD } }
            : {}),
        },
        metrics,
        metricsSource: clusterMetricsSource(metrics.registry),
      });
      const server = createApiServer(api.app, {
        requestTimeoutMs: config.API_REQUEST_TIMEOUT_MS,
        headersTimeoutMs: config.API_HEADERS_TIMEOUT_MS,
      });
      server.listen(config.API_PORT, config.API_HOST);
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      log.info({ port, host: config.API_HOST }, 'ready');
      return {
        async close() {
          server.close();
          api.beginShutdown(SHUTDOWN_RETRY_MS);
          server.closeIdleConnections();
          // In-flight requests get most of the budget; runWorkerProcess exits 1 if we overrun it.
          const deadline = setTimeout(
            () => server.closeAllConnections(),
            Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 500),
          );
          await new Promise<void>((resolve) => server.once('close', () => resolve()));
          clearTimeout(deadline);
          await api.close();
          await resources.close();
          await tracing?.shutdown();
        },
      };
    },
  });
}

const config = loadConfigOrExit();
if (isSupervisorPrimary()) await runPrimary(config);
else await runWorker(config);
