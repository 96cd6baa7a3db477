import { pino, type Logger, type LoggerOptions } from 'pino';
import { logFloodHook, type LogFloodLimit } from './log-flood.js';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** The app or component name, the `name` field of every line. */
  name: string;
  /** pino level. Default `info`. */
  level?: string;
  /** `json`, `pretty`, or `auto`: pretty on a TTY outside production. Default `auto`. */
  format?: 'auto' | 'json' | 'pretty';
  /** NODE_ENV, for `auto`. */
  nodeEnv?: string;
  /** Fields on every line (e.g. `{ slot: 1 }`). */
  base?: Record<string, unknown>;
  /** Where lines go; default stdout. Tests pass a stream to capture them. */
  destination?: NodeJS.WritableStream;
  /**
   * Flood limit of warnings and errors: the same level, message and code more than `burst` times in `intervalMs`
   * is dropped and counted, the count (`suppressed`) carried by the first such line of the next interval.
   * `false` turns it off. @defaultValue `{ intervalMs: 10_000, burst: 5 }`
   */
  floodLimit?: Partial<LogFloodLimit> | false;
}

/** The default flood limit: 5 identical warnings or errors per 10 s, then one per 10 s with the count dropped. */
export const DEFAULT_LOG_FLOOD_LIMIT: LogFloodLimit = { intervalMs: 10_000, burst: 5 };

/**
 * Paths whose values never reach a log line: credentials in headers, configuration and request bodies.
 * A test greps captured logs for keys and passwords to keep this true.
 */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'apiKey',
  'apiKeys',
  'token',
  '*.authorization',
  '*.password',
  '*.apiKey',
  '*.apiKeys',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'config.API_KEYS',
  'config.BOARD_PASSWORD',
  'config.METRICS_TOKEN',
  'config.REDIS_URL',
];

/** The one way apps create a logger: JSON lines in production, readable in a terminal. */
export function createLogger(settings: LoggerSettings): Logger {
  const format = settings.format ?? 'auto';
  const pretty =
    format === 'pretty' || (format === 'auto' && settings.nodeEnv !== 'production' && Boolean(process.stdout.isTTY));
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? 'info',
    base: { pid: process.pid, ...settings.base },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(settings.floodLimit === false
      ? {}
      : { hooks: { logMethod: logFloodHook({ ...DEFAULT_LOG_FLOOD_LIMIT, ...settings.floodLimit }) } }),
  };
  if (settings.destination) return pino(options, settings.destination as pino.DestinationStream);
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino(options, pino.destination({ sync: false }));
}
