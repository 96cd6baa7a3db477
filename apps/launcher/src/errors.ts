import { KumoError } from '@kumo/errors';

/** An app's entry point is missing: the monorepo was not built (`npm start` builds it first). */
export class AppNotBuiltError extends KumoError {
  constructor(app: string, entry: string) {
    super('KUMO_LAUNCHER_APP_NOT_BUILT', `${app} is not built (${entry} is missing): run \`npm run build\` first`, {
      kind: 'critical',
    });
  }
}

/** An app exited before it logged `ready`, or while kumo was running: its supervisor gave up. */
export class AppExitedError extends KumoError {
  readonly app: string;
  readonly exitCode: number | null;
  readonly signal: string | null;

  constructor(app: string, exitCode: number | null, signal: string | null, phase: 'starting' | 'running') {
    const how = signal ? `signal ${signal}` : `code ${String(exitCode)}`;
    super(
      'KUMO_LAUNCHER_APP_EXITED',
      phase === 'starting'
        ? `${app} exited during start-up (${how}); see its log lines above`
        : `${app} exited unexpectedly (${how}): its supervisor gave up; stopping kumo`,
      { kind: 'critical' },
    );
    this.app = app;
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/** An app did not log `ready` in time. */
export class AppStartTimeoutError extends KumoError {
  constructor(app: string, timeoutMs: number) {
    super('KUMO_LAUNCHER_START_TIMEOUT', `${app} did not log "ready" within ${timeoutMs} ms; see its log lines above`, {
      kind: 'critical',
    });
  }
}

/** Another `npm start` of the same checkout (same data directory) is running: its lock file names a live pid. */
export class AlreadyRunningError extends KumoError {
  readonly pid: number;

  constructor(pid: number, apiUrl: string | undefined, lockFile: string) {
    super(
      'KUMO_LAUNCHER_ALREADY_RUNNING',
      `kumo is already running here (pid ${pid}${apiUrl ? `, API at ${apiUrl}` : ', still starting'}); ` +
        `stop it first (Ctrl-C or kill ${pid}). Lock: ${lockFile}`,
      { kind: 'permanent' },
    );
    this.pid = pid;
  }
}
