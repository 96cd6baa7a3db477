/** pino's numeric levels and their names. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<string, string> = { WARN: '\x1b[33m', ERROR: '\x1b[31m', FATAL: '\x1b[41m', DEBUG: '\x1b[90m' };
const RESET = '\x1b[0m';
/** Fields every line has, or that the prefix already shows. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

export interface LogRendererOptions {
  /** Where rendered lines go. Required. */
  out: NodeJS.WritableStream;
  /** `json`: lines pass through unchanged (one JSON object per line); `pretty`: one short readable line each. */
  format: 'json' | 'pretty';
  /** ANSI colours for levels in `pretty` (on a terminal). Default false. */
  color?: boolean;
  /** Width of the app-name column in `pretty`. Default 15 (`analysis-worker`). */
  nameWidth?: number;
}

/**
 * Renders the log lines of the launcher and of the apps it runs, all of which log JSON (the launcher asks them to).
 * In `json` mode JSON lines pass through untouched (their `name` says which app) and anything else (a crash's stack
 * trace) is wrapped into a JSON line, so the output stays machine-readable; in `pretty` mode every line is
 * prefixed with the app's name.
 */
export class LogRenderer {
  readonly #options: Required<LogRendererOptions>;

  constructor(options: LogRendererOptions) {
    this.#options = { color: false, nameWidth: 15, ...options };
  }

  /** Renders one line an app wrote (`fromStderr`: raw text is an error). Returns the parsed JSON, if it was JSON. */
  line(app: string, raw: string, fromStderr = false): Record<string, unknown> | undefined {
    const parsed = parseJsonLine(raw);
    const { out, format } = this.#options;
    if (format === 'json') {
      out.write(
        parsed
          ? `${raw}\n`
          : `${JSON.stringify({ level: fromStderr ? 50 : 30, time: new Date().toISOString(), name: app, msg: raw })}\n`,
      );
    } else {
      out.write(`${this.#pretty(app, parsed, raw)}\n`);
    }
    return parsed;
  }

  #pretty(app: string, parsed: Record<string, unknown> | undefined, raw: string): string {
    const prefix = `${app.padEnd(this.#options.nameWidth)} │`;
    if (!parsed) return `${prefix} ${raw}`;
    const level = LEVELS[Number(parsed.level)] ?? 'INFO';
    const time =
      typeof parsed.time === 'string'
        ? parsed.time.slice(11, 23)
        : typeof parsed.time === 'number'
          ? new Date(parsed.time).toISOString().slice(11, 23)
          : '';
    const shownLevel =
      this.#options.color && COLORS[level] ? `${COLORS[level]}${level.padEnd(5)}${RESET}` : level.padEnd(5);
    const extras = Object.entries(parsed)
      .filter(([key]) => !HIDDEN.has(key))
      .map(([key, value]) => `${key}=${renderValue(value)}`);
    const lines = [
      `${prefix} ${time} ${shownLevel} ${String(parsed.msg ?? '')}${extras.length ? `  ${extras.join(' ')}` : ''}`,
    ];
    const stack = (parsed.err as { stack?: unknown } | undefined)?.stack;
    if (typeof stack === 'string') lines.push(...stack.split('\n').map((line) => `${prefix}     ${line}`));
    return lines.join('\n');
  }
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value)
    return JSON.stringify((value as { message: unknown }).message);
  return JSON.stringify(value);
}

/** The line as a JSON object, or undefined when it is not one. */
export function parseJsonLine(raw: string): Record<string, unknown> | undefined {
  if (!raw.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
