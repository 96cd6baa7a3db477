import { Writable } from 'node:stream';
import { type Config, ConfigError, loadConfig } from '@kumo/config';
import { isKumoError } from '@kumo/errors';
import { createLogger } from '@kumo/observability';
import { formatBanner } from './banner.js';
import { AlreadyRunningError, AppExitedError } from './errors.js';
import { InstanceLock } from './instance-lock.js';
import { LocalSystem } from './local-system.js';
import { LogRenderer } from './log-renderer.js';
import { dataDir, repoRoot } from './paths.js';
import type { StopSignals } from './stop-signals.js';

/** Exit codes of `npm start`. */
export const LAUNCHER_EXIT = {
  /** Stopped by SIGINT/SIGTERM, everything shut down. */
  ok: 0,
  /** An app failed to start or died (its supervisor gave up), or Redis or the sample site could not start. */
  failed: 1,
  /** The configuration is invalid (EX_CONFIG, as loadConfigOrExit). */
  config: 78,
  /** A second stop request killed the apps instead of waiting for them. */
  forced: 130,
} as const;

export interface LauncherOptions {
  /** The environment: settings for loadConfig, and passed on to the apps. Required. */
  env: Record<string, string | undefined>;
  /** Where logs and the banner go. Required. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where fatal errors are repeated (a configuration error goes only there). Required. */
  stderr: NodeJS.WritableStream;
  /** Stop requests (main.ts feeds SIGINT/SIGTERM in). Required. */
  stops: StopSignals;
  /** How long each app may take to log `ready`. Default 120 000 ms (kuromoji loads its dictionary per process). */
  readyTimeoutMs?: number;
  /** The repository whose apps run. Default: the one this launcher belongs to. */
  root?: string;
}

/**
 * `npm start`: loads the configuration, provisions Redis, serves the sample site, runs the API and both worker apps
 * until told to stop, then stops them (SIGTERM; SIGKILL after SHUTDOWN_TIMEOUT_MS + a margin), the site and the
 * embedded Redis, in that order. An app that exits on its own ends everything with a non-zero code: the launcher
 * restarts nothing itself, since each app's supervisor already restarts its workers and gives up only on a storm.
 * Returns the exit code.
 */
export async function runLauncher(options: LauncherOptions): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(options.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    options.stderr.write(`kumo: ${error.message}\n`);
    return LAUNCHER_EXIT.config;
  }
  const pretty =
    config.LOG_FORMAT === 'pretty' ||
    (config.LOG_FORMAT === 'auto' && config.NODE_ENV !== 'production' && Boolean(options.stdout.isTTY));
  const renderer = new LogRenderer({
    out: options.stdout,
    format: pretty ? 'pretty' : 'json',
    color: pretty && Boolean(options.stdout.isTTY),
  });
  // The launcher logs JSON like the apps, through the same renderer, so its lines look like theirs.
  const log = createLogger({
    name: 'launcher',
    level: config.LOG_LEVEL,
    format: 'json',
    destination: lineSink((line) => renderer.line('launcher', line)),
  });

  let lock: InstanceLock;
  try {
    lock = InstanceLock.acquire(dataDir(config.KUMO_DATA_DIR, options.root ?? repoRoot));
  } catch (error) {
    if (!(error instanceof AlreadyRunningError)) throw error;
    log.fatal({ code: error.code, pid: error.pid }, error.message);
    options.stderr.write(`kumo: ${error.code}: ${error.message}\n`);
    return LAUNCHER_EXIT.failed;
  }

  const { stops } = options;
  const system = new LocalSystem({
    config,
    env: options.env,
    root: options.root ?? repoRoot,
    log,
    onAppLine: (app, raw, fromStderr) => renderer.line(app, raw, fromStderr),
    stops,
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
  });
  // Whatever happens to the launcher, the apps' process groups do not outlive it.
  const killOnExit = () => {
    system.kill();
    lock.release();
  };
  process.once('exit', killOnExit);
  stops.onRequest((count, reason) => {
    if (count === 1) log.info({ reason }, 'stopping');
    if (count === 2) {
      log.warn({ reason }, 'second stop request: killing the apps now');
      system.kill();
    }
  });

  let exitCode: number = LAUNCHER_EXIT.ok;
  try {
    const banner = await system.start();
    if (banner) {
      lock.serving(banner.apiUrl);
      options.stdout.write(formatBanner(banner));
      log.info({ apiUrl: banner.apiUrl, sampleUrl: banner.sampleUrl }, 'ready');
      const outcome = await Promise.race([stops.first.then(() => undefined), system.firstAppExit()]);
      if (outcome && !outcome.app.stopping) {
        throw new AppExitedError(outcome.app.name, outcome.exit.code, outcome.exit.signal, 'running');
      }
    }
  } catch (error) {
    exitCode = LAUNCHER_EXIT.failed;
    if (isKumoError(error)) log.fatal({ code: error.code }, error.message);
    else log.fatal({ err: error }, 'the launcher failed');
    // Loudly, also where a terminal user looks for errors, and where a JSON log consumer does not look.
    const code = isKumoError(error) ? `${error.code}: ` : '';
    options.stderr.write(`kumo: ${code}${error instanceof Error ? error.message : String(error)}\n`);
  }
  try {
    await system.stop();
    log.info('stopped');
  } catch (error) {
    exitCode = LAUNCHER_EXIT.failed;
    log.error({ err: error }, 'shutdown failed');
  } finally {
    process.removeListener('exit', killOnExit);
    lock.release();
  }
  if (exitCode === LAUNCHER_EXIT.ok && stops.count > 1) exitCode = LAUNCHER_EXIT.forced;
  return exitCode;
}

/** A writable that hands each complete line to `onLine` (pino writes one JSON line per call, but be safe). */
function lineSink(onLine: (line: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) onLine(line);
      callback();
    },
  });
}
