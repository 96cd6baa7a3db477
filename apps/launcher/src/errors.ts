import { defineError, type ErrorCodeOf, errorCodesOf } from '@kumo/errors';

/** Every code this app produces (its rows of the error catalog in `@kumo/errors`). Callers branch on these. */
export const LauncherErrorCode = errorCodesOf('apps/launcher');
export type LauncherErrorCode = ErrorCodeOf<'apps/launcher'>;

/** An app's entry point is missing: the monorepo was not built (`npm start` builds it first). */
export class AppNotBuiltError extends defineError(LauncherErrorCode.APP_NOT_BUILT) {
  constructor(app: string, entry: string) {
    super(`${app} is not built (${entry} is missing): run \`npm run build\` first`);
  }
}

/** An app exited before it logged `ready`, or while kumo was running: its supervisor gave up. */
export class AppExitedError extends defineError(LauncherErrorCode.APP_EXITED) {
  readonly app: string;
  readonly exitCode: number | null;
  readonly signal: string | null;

  constructor(app: string, exitCode: number | null, signal: string | null, phase: 'starting' | 'running') {
    const how = signal ? `signal ${signal}` : `code ${String(exitCode)}`;
    super(
      phase === 'starting'
        ? `${app} exited during start-up (${how}); see its log lines above`
        : `${app} exited unexpectedly (${how}): its supervisor gave up; stopping kumo`,
    );
    this.app = app;
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/** An app did not log `ready` in time. */
export class AppStartTimeoutError extends defineError(LauncherErrorCode.START_TIMEOUT) {
  constructor(app: string, timeoutMs: number) {
    super(`${app} did not log "ready" within ${timeoutMs} ms; see its log lines above`);
  }
}

/** Another `npm start` of the same checkout (same data directory) is running: its lock file names a live pid. */
export class AlreadyRunningError extends defineError(LauncherErrorCode.ALREADY_RUNNING) {
  readonly pid: number;

  constructor(pid: number, apiUrl: string | undefined, lockFile: string) {
    super(
      `kumo is already running here (pid ${pid}${apiUrl ? `, API at ${apiUrl}` : ', still starting'}); ` +
        `stop it first (Ctrl-C or kill ${pid}). Lock: ${lockFile}`,
    );
    this.pid = pid;
  }
}

/** A port the operator set (`API_PORT`, a metrics port) is taken by another program: named, before anything starts. */
export class PortInUseError extends defineError(LauncherErrorCode.PORT_IN_USE) {
  readonly setting: string;

  constructor(setting: string, host: string, port: number) {
    super(
      `${setting}=${port} is in use on ${host} (another kumo or another program): set ${setting} to a free port, ` +
        'or leave it unset and kumo picks one',
    );
    this.setting = setting;
  }
}

/**
 * The local credentials file cannot be read or holds something kumo did not write. Not replaced by new credentials:
 * the crawls of the kept key would become unreachable, which is what keeping it is for.
 */
export class CredentialsFileError extends defineError(LauncherErrorCode.CREDENTIALS_UNREADABLE) {
  constructor(file: string, reason: string, options: { cause?: unknown } = {}) {
    super(
      `${file} cannot be used (${reason}): fix it, or delete it to generate a new API key and board password ` +
        "(the old key's crawls are then out of reach)",
      options,
    );
  }
}
